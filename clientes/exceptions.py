"""Domain errors of the clients app; views turn them into Spanish form errors or messages."""


class ClienteError(Exception):
    """Base: ``campo`` names the form field the error belongs to (None: the whole form)."""

    campo: str | None = None

    def __init__(self, mensaje: str):
        super().__init__(mensaje)
        self.mensaje = mensaje


class CurpInvalida(ClienteError):
    campo = "curp"


class CurpDuplicada(ClienteError):
    campo = "curp"


class EmailDuplicado(ClienteError):
    campo = "email"


class DatosInvalidos(ClienteError):
    def __init__(self, mensaje: str, campo: str | None = None):
        super().__init__(mensaje)
        self.campo = campo


class ClienteConVentas(ClienteError):
    pass


class ClienteProtegido(ClienteError):
    """The walk-in client ("Público en general") cannot be edited, deactivated or deleted."""


class MatriculaDuplicada(ClienteError):
    campo = "matricula"


class RfcInvalido(ClienteError):
    campo = "rfc"
