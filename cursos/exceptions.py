"""Domain errors of courses and editions. ``str(error)`` is the Spanish message for the manager."""


class CursoError(Exception):
    """A change to a course or an edition refused; nothing was written."""

    def __init__(self, mensaje: str, *, campo: str | None = None):
        super().__init__(mensaje)
        self.mensaje = mensaje
        self.campo = campo


class CupoMenorQueOcupados(CursoError):
    def __init__(self, *, ocupados: int):
        super().__init__(
            f"El cupo no puede ser menor que los lugares ya ocupados ({ocupados}).", campo="cupo_maximo"
        )


class EdicionConVentas(CursoError):
    def __init__(self):
        super().__init__("Esta edición ya tiene inscripciones vendidas: no se puede borrar; ciérrala.")


class PlanNoValido(CursoError):
    """An edition's payment plan refused; nothing was written. ``numero``: the installment
    (1, 2, …) the message is about, when it is about one."""

    def __init__(self, mensaje: str, *, campo: str | None = None, numero: int | None = None):
        super().__init__(mensaje, campo=campo)
        self.numero = numero
