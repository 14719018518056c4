"""Domain errors of the point of sale. ``str(error)`` is the Spanish message for the cashier."""


class VentaError(Exception):
    pass


class CarritoVacio(VentaError):
    def __init__(self):
        super().__init__("El carrito está vacío: agrega al menos un producto.")


class CarritoNoEncontrado(VentaError):
    def __init__(self):
        super().__init__("Ese carrito ya no existe o no es tuyo.")


class ClienteNoValido(VentaError):
    def __init__(self):
        super().__init__("Ese cliente no existe o está dado de baja.")


class ProductoNoVendible(VentaError):
    pass


class CantidadNoValida(VentaError):
    pass


class DescuentoNoValido(VentaError):
    pass


class DescuentoNoAutorizado(VentaError):
    def __init__(self, *, producto: str, limite_pct: int):
        super().__init__(
            f"El descuento de {producto} pasa del {limite_pct} % que puede dar un cajero: "
            "un gerente debe autorizarlo con su usuario y contraseña."
        )


class AutorizacionRechazada(VentaError):
    pass


class PagoNoValido(VentaError):
    pass


class CarritoCambiado(VentaError):
    """The cart (a price, a line, the client) changed after the checkout form was shown."""


class ClaveCobroReutilizada(VentaError):
    def __init__(self):
        super().__init__(
            "Esta clave de cobro ya se usó para otra venta con otro carrito. No se cobró nada; "
            "recarga la pantalla de venta."
        )


class CobroOcupado(VentaError):
    def __init__(self):
        super().__init__("El sistema está ocupado con otra venta de estos productos. Inténtalo de nuevo.")


# --- Cash-drawer shifts (corte de caja) -----------------------------------------------------


class TurnoNoAbierto(VentaError):
    def __init__(self, mensaje: str = "Abre tu turno de caja antes de cobrar."):
        super().__init__(mensaje)


class TurnoYaAbierto(VentaError):
    def __init__(self):
        super().__init__("Ya tienes un turno de caja abierto: ciérralo antes de abrir otro.")


class TurnoNoEncontrado(VentaError):
    """The shift does not exist, or the user may not act on it (said the same way on purpose)."""

    def __init__(self):
        super().__init__("Ese turno de caja no existe o no es tuyo.")


class TurnoYaCerrado(VentaError):
    def __init__(self):
        super().__init__("Este turno de caja ya está cerrado: no se cambió nada.")


class MontoNoValido(VentaError):
    pass


class MovimientoCajaNoValido(VentaError):
    pass


class CierreNoValido(VentaError):
    pass


class MotivoRequerido(VentaError):
    def __init__(self):
        super().__init__("Escribe el motivo del movimiento de caja.")


class RetiroExcedeEfectivo(VentaError):
    def __init__(self, *, disponible):
        super().__init__(
            f"No puedes retirar más efectivo del que debe haber en la caja (${disponible:,.2f})."
        )


class DiferenciaNoAutorizada(VentaError):
    """The count differs from what was expected by more than the allowed amount."""

    def __init__(self, *, limite):
        super().__init__(
            f"La diferencia pasa de ${limite:,.2f}: un gerente debe autorizar el cierre con su usuario y contraseña."
        )
