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
