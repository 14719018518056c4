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


class AlumnoNoEncontrado(ErrorPermanente):
    """404 on an alumno update: the system does not know the id we hold (a restored backup, a
    record removed there). The outbox registers the alumno again (search first, then create)."""


class RespuestaIlegible(ErrorPermanente):
    """A 2xx whose body is not the JSON the contract promises (a proxy's maintenance page).

    Permanent for alumno rows (as before); the enrollment outbox retries it with backoff: its
    writes carry an Idempotency-Key, so asking again is safe and usually gets the real answer."""


class YaExiste(ErrorPermanente):
    """409 / "ya existe": the thing is already there, ``id_existente`` says which when the
    system told us; the caller adopts it instead of creating another."""

    def __init__(self, mensaje: str, *, id_existente: str | None = None, **kwargs):
        super().__init__(mensaje, **kwargs)
        self.id_existente = id_existente


class AlumnoYaExiste(YaExiste):
    """409 on an alumno create: the alumno is already there; the caller links it instead."""


class InscripcionYaExiste(YaExiste):
    """409 on an enrollment create: the alumno already has an active enrollment in that edition
    (``id_existente``, when Aula says it). After a lost answer this is our own enrollment."""


class AlumnoNoEnSII(ErrorPermanente):
    """422 from Aula: the enrollment names an ``alumno_sii_id`` that SII does not know (yet).

    Resending the same request cannot help until the alumno is registered in SII; the outbox
    orders enrollments after the alumno's SII row, so this means that ordering was broken."""
