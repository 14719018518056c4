"""Domain errors of the point of sale. ``str(error)`` is the Spanish message for the cashier."""


class VentaError(Exception):
    pass


class CarritoVacio(VentaError):
    def __init__(self):
        super().__init__("El carrito está vacío: agrega al menos un producto.")


class CarritoNoEncontrado(VentaError):
    def __init__(self):
        super().__init__("Ese carrito ya no existe o no es tuyo.")


class LineaNoEncontrada(VentaError):
    def __init__(self):
        super().__init__("Esa línea ya no está en tu carrito.")


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


class InscripcionNoValida(VentaError):
    """A course seat that cannot be sold: edition full, closed or past, alumno already enrolled or
    inactive, or no paying client (the message says which). Nothing was written."""


class AlumnoRequerido(VentaError):
    """An edition was scanned or picked without saying which alumno it is for: the till opens
    the alumno picker for ``producto_id``."""

    def __init__(self, *, producto_id: int, nombre: str):
        super().__init__(f"Elige el alumno que se inscribe en {nombre}.")
        self.producto_id = producto_id


class CarritoCambiado(VentaError):
    """The cart (a price, a line, the client) changed after the checkout form was shown."""


class ClaveCobroReutilizada(VentaError):
    def __init__(self):
        super().__init__(
            "Esta clave de cobro ya se usó para otra venta con otro carrito. No se cobró nada; "
            "recarga la pantalla de venta."
        )


class VendedorNoValido(VentaError):
    """The salesperson named for a sale is not an active salesperson (or user)."""


class CobroOcupado(VentaError):
    def __init__(self):
        super().__init__("El sistema está ocupado con otra venta de estos productos. Inténtalo de nuevo.")


# --- Returns and cancellations ------------------------------------------------------------


class DevolucionError(VentaError):
    """A return or cancellation refused; nothing was written."""


class VentaNoEncontrada(DevolucionError):
    def __init__(self):
        super().__init__("Esa venta no existe o no puedes verla.")


class VentaYaCancelada(DevolucionError):
    def __init__(self, *, folio: str):
        super().__init__(f"La venta {folio} ya está cancelada: no se puede cancelar ni devolver otra vez.")


class VentaDeOtroDia(DevolucionError):
    def __init__(self, *, folio: str, fecha: str):
        super().__init__(
            f"Solo se cancelan ventas de hoy; la venta {folio} es del {fecha}. "
            "Para regresar artículos registra una devolución."
        )


class DevolucionNoValida(DevolucionError):
    pass


class DevolucionNoPermitida(DevolucionError):
    pass


class ClaveDevolucionReutilizada(DevolucionError):
    def __init__(self, *, folio: str):
        super().__init__(
            f"Este formulario ya se usó para la devolución {folio} con otros datos. No se registró nada; "
            "vuelve a abrir la pantalla para hacer otra."
        )


class DevolucionOcupada(DevolucionError):
    def __init__(self):
        super().__init__("La venta está ocupada con otra devolución en este momento. Inténtalo de nuevo.")


class ReembolsoExcedeEfectivo(DevolucionError):
    def __init__(self, *, disponible, monto):
        super().__init__(
            f"En tu caja debe haber ${disponible:,.2f} en efectivo: no alcanza para reembolsar ${monto:,.2f}. "
            "Registra un depósito de efectivo en tu turno y vuelve a intentarlo."
        )


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


class MonederoError(VentaError):
    """A store-credit operation refused (the message says why); nothing was written."""


class MonederoNoPermitido(MonederoError):
    def __init__(self):
        super().__init__("El público en general no tiene saldo a favor: elige un cliente con nombre.")


class SaldoInsuficiente(MonederoError, PagoNoValido):
    def __init__(self, *, saldo, monto):
        super().__init__(
            f"Saldo a favor insuficiente: el cliente tiene ${saldo:,.2f} y se quieren usar ${monto:,.2f}."
        )


# --- Abonos (payments toward a sale's balance) -------------------------------------------------


class AbonoError(VentaError):
    """An abono refused (the message says why); nothing was written."""


class AbonoNoValido(AbonoError):
    pass


class AbonoNoPermitido(AbonoError):
    def __init__(self):
        super().__init__("Tu usuario no puede registrar abonos.")


class ClaveAbonoReutilizada(AbonoError):
    def __init__(self, *, folio: str):
        super().__init__(
            f"Este formulario ya se usó para el abono {folio} con otros datos. No se registró nada; "
            "vuelve a abrir la pantalla del abono."
        )


class AbonoOcupado(AbonoError):
    def __init__(self):
        super().__init__("La venta está ocupada con otro abono en este momento. Inténtalo de nuevo.")
