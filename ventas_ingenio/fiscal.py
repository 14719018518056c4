"""The school's fiscal data printed on tickets, read from settings and checked at startup.

``TIENDA_RFC`` is validated with python-stdnum (length, format, date, SAT's forbidden words;
the homoclave must be there) and ``TIENDA_REGIMEN_FISCAL`` against SAT's c_RegimenFiscal
catalog (CFDI 4.0). An invalid value is a system-check error, so ``manage.py check`` and
``migrate`` (hence ``make run``) stop. A wrong check digit is only a warning: about 1.5 % of
the RFCs SAT issued carry one (python-stdnum's note), and a school with such an RFC must still
be able to sell. A missing value is a ``check --deploy`` warning; the ticket leaves that line out.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import checks
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.mx import rfc as stdnum_rfc

# SAT's c_RegimenFiscal.
REGIMENES_FISCALES = {
    "601": "General de Ley Personas Morales",
    "603": "Personas Morales con Fines no Lucrativos",
    "605": "Sueldos y Salarios e Ingresos Asimilados a Salarios",
    "606": "Arrendamiento",
    "607": "Régimen de Enajenación o Adquisición de Bienes",
    "608": "Demás ingresos",
    "610": "Residentes en el Extranjero sin Establecimiento Permanente en México",
    "611": "Ingresos por Dividendos (socios y accionistas)",
    "612": "Personas Físicas con Actividades Empresariales y Profesionales",
    "614": "Ingresos por intereses",
    "615": "Régimen de los ingresos por obtención de premios",
    "616": "Sin obligaciones fiscales",
    "620": "Sociedades Cooperativas de Producción que optan por diferir sus ingresos",
    "621": "Incorporación Fiscal",
    "622": "Actividades Agrícolas, Ganaderas, Silvícolas y Pesqueras",
    "623": "Opcional para Grupos de Sociedades",
    "624": "Coordinados",
    "625": "Régimen de las Actividades Empresariales con ingresos a través de Plataformas Tecnológicas",
    "626": "Régimen Simplificado de Confianza",
}


_MOTIVOS_RFC = (
    (InvalidLength, "debe tener 12 caracteres una persona moral o 13 una física"),
    (InvalidFormat, "letras y números fuera de lugar"),
    (InvalidComponent, "la fecha o las letras no son válidas"),
    (InvalidChecksum, "el dígito verificador no cuadra"),
)


@dataclass(frozen=True)
class DatosFiscales:
    razon_social: str
    rfc: str
    direccion: str
    regimen: str  # "601 General de Ley Personas Morales"
    leyenda_factura: str


def rfc_normalizar(texto: str) -> str:
    """The RFC in upper case without separators; raises ``ValueError`` with the reason if invalid."""
    try:
        rfc = stdnum_rfc.validate(texto)
    except ValidationError as error:
        motivo = next((m for clase, m in _MOTIVOS_RFC if isinstance(error, clase)), "formato incorrecto")
        raise ValueError(f"«{texto}» no es un RFC válido: {motivo}.") from error
    if len(rfc) not in (12, 13):
        raise ValueError(f"«{texto}» no es un RFC completo: le falta la homoclave (12 caracteres una persona "
                         "moral, 13 una física).")
    return rfc


def rfc_digito_correcto(rfc: str) -> bool:
    return stdnum_rfc.is_valid(rfc, validate_check_digits=True)


def regimen_texto(codigo: str) -> str:
    """'601' → '601 General de Ley Personas Morales'; raises ``ValueError`` for a code not in the catalog."""
    codigo = codigo.strip()
    if codigo not in REGIMENES_FISCALES:
        raise ValueError(f"«{codigo}» no es una clave del catálogo de regímenes fiscales del SAT (por ejemplo 601 o 603).")
    return f"{codigo} {REGIMENES_FISCALES[codigo]}"


def datos_fiscales_tienda() -> DatosFiscales:
    """What the ticket prints; empty strings for what is not configured (or not valid)."""

    def leer(nombre):
        return str(getattr(settings, nombre, "") or "").strip()

    rfc, regimen = leer("TIENDA_RFC"), leer("TIENDA_REGIMEN_FISCAL")
    try:
        rfc = rfc_normalizar(rfc) if rfc else ""
    except ValueError:
        rfc = ""  # the system check reports it; a ticket never prints an invalid RFC
    try:
        regimen = regimen_texto(regimen) if regimen else ""
    except ValueError:
        regimen = ""
    return DatosFiscales(
        razon_social=leer("TIENDA_RAZON_SOCIAL"), rfc=rfc, direccion=leer("TIENDA_DIRECCION"), regimen=regimen,
        leyenda_factura=leer("TICKET_LEYENDA_FACTURA"),
    )


@checks.register()
def datos_fiscales_revisar(app_configs=None, **kwargs):
    errores = []
    rfc, regimen = str(settings.TIENDA_RFC or "").strip(), str(settings.TIENDA_REGIMEN_FISCAL or "").strip()
    pista_rfc = "Escribe el RFC de la escuela tal como aparece en su constancia de situación fiscal."
    if rfc:
        try:
            rfc = rfc_normalizar(rfc)
        except ValueError as error:
            errores.append(checks.Error(f"TIENDA_RFC: {error}", hint=pista_rfc, id="ventas_ingenio.E001"))
        else:
            if not rfc_digito_correcto(rfc):
                errores.append(checks.Warning(
                    f"TIENDA_RFC: el dígito verificador de «{rfc}» no cuadra; revisa que esté bien escrito.",
                    hint=pista_rfc, id="ventas_ingenio.W002",
                ))
    if regimen:
        try:
            regimen_texto(regimen)
        except ValueError as error:
            errores.append(checks.Error(f"TIENDA_REGIMEN_FISCAL: {error}", id="ventas_ingenio.E002"))
    return errores


@checks.register(deploy=True)
def datos_fiscales_completos(app_configs=None, **kwargs):
    faltan = [nombre for nombre in ("TIENDA_RAZON_SOCIAL", "TIENDA_RFC", "TIENDA_DIRECCION", "TIENDA_REGIMEN_FISCAL")
              if not str(getattr(settings, nombre, "") or "").strip()]
    if not faltan:
        return []
    return [checks.Warning(
        f"Faltan datos fiscales de la escuela para el ticket: {', '.join(faltan)}.",
        hint="Defínelos en el entorno o en .env (ver .env.example).", id="ventas_ingenio.W001",
    )]
