"""Failures talking to SII or Aula, classified by whether retrying can help."""


class IntegracionError(Exception):
    """Base class. ``reintentable`` says whether the same request may succeed later."""

    reintentable = False

    def __init__(self, mensaje: str, *, estado_http: int | None = None, reintentar_en: float | None = None):
        super().__init__(mensaje)
        self.mensaje = mensaje
        self.estado_http = estado_http
        self.reintentar_en = reintentar_en  # seconds, from a Retry-After header


class ErrorTemporal(IntegracionError):
    """Timeouts, connection errors, 5xx and 429: retry later (after Retry-After if given)."""

    reintentable = True


class ErrorPermanente(IntegracionError):
    """4xx that retrying cannot fix, or an answer that does not follow the contract."""


class AlumnoYaExiste(ErrorPermanente):
    """409 / "ya existe": the alumno is already there; the caller links it instead."""

    def __init__(self, mensaje: str, *, id_existente: str | None = None, **kwargs):
        super().__init__(mensaje, **kwargs)
        self.id_existente = id_existente
