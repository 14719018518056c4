"""The one input layer: how every form field and GET filter reads what a person (or an
attacker) typed.

- Numbers are read with ASCII digits only. ``str.isdigit()`` accepts ``²`` and ``int()``
  accepts ``١٢``; neither is something a cashier types, and both used to reach the database.
- Every number is bounded to what its column holds (a PostgreSQL ``integer``, money as
  ``numeric(12, 2)`` capped at 9,999,999.99), so no value can overflow a column.
- NUL and other control characters are refused: a NUL makes PostgreSQL reject the query, the
  others are never typed by a person. ``EntradasMiddleware`` refuses them anywhere in a request
  (path, GET, POST) with a Spanish 400 page; the fields refuse them too for forms built in code.
- Dates are read as YYYY-MM-DD (what ``<input type="date">`` sends) or DD/MM/YYYY, each within
  a sensible range, and a day that does not exist (2026-02-30) says so.
- Phone numbers keep their digits only.

Each field carries Spanish messages that name the field, so a view can show them as they are.
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string

ENTERO_MAXIMO = 2_147_483_647  # PostgreSQL integer
DINERO_MAXIMO = Decimal("9999999.99")
FECHA_MINIMA = date(1900, 1, 1)
FECHA_MAXIMA = date(2100, 12, 31)

_ENTERO = re.compile(r"[+-]?[0-9]{1,40}")
# Digits before the point, thousands separated by commas or not, up to 4 decimals
# (more than 2 is refused with its own message, not as garbage).
_DECIMAL = re.compile(r"\$?\s*(?P<signo>[+-]?)(?P<entero>[0-9]{1,40}|[0-9]{1,3}(?:,[0-9]{3}){1,3})?(?:\.(?P<fraccion>[0-9]{0,4}))?")
_FECHA_ISO = re.compile(r"(?P<anio>[0-9]{4})-(?P<mes>[0-9]{1,2})-(?P<dia>[0-9]{1,2})")
_FECHA_MX = re.compile(r"(?P<dia>[0-9]{1,2})/(?P<mes>[0-9]{1,2})/(?P<anio>[0-9]{4})")
# C0 controls but tab, newline and carriage return (textareas send them), DEL and C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

MENSAJE_CONTROL = "El texto tiene caracteres no permitidos (caracteres de control o nulos)."


def tiene_control(texto: str) -> bool:
    return bool(_CONTROL.search(texto))


def entero_leer(valor, *, minimo: int = 0, maximo: int = ENTERO_MAXIMO) -> int | None:
    """``valor`` as an int when it is ASCII digits within [minimo, maximo]; None otherwise.

    For ids and numbers that arrive outside a form (URL pieces, a POST field read by hand)."""
    if isinstance(valor, bool):
        return None
    if isinstance(valor, int):
        numero = valor
    else:
        texto = str(valor or "").strip()
        if not _ENTERO.fullmatch(texto):
            return None
        numero = int(texto)
    return numero if minimo <= numero <= maximo else None


def texto_limpiar(valor, *, maximo: int) -> str:
    """A free-text GET filter: stripped, cut at ``maximo`` and empty when it holds control
    characters (the middleware refuses those before a view runs; this is the second line)."""
    texto = str(valor or "").strip()[:maximo]
    return "" if tiene_control(texto) else texto


def validar_sin_control(valor) -> None:
    if isinstance(valor, str) and tiene_control(valor):
        raise ValidationError(MENSAJE_CONTROL, code="control")


class TextoField(forms.CharField):
    """A CharField that refuses control characters with a Spanish message."""

    default_validators = [validar_sin_control]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        etiqueta = kwargs.get("label")
        self.error_messages.setdefault("max_length", f"{etiqueta or 'El texto'}: escribe como máximo %(limit_value)d caracteres.")

    def to_python(self, value):
        # Checked before the length, so a long string of NULs gets the right message.
        if isinstance(value, str) and tiene_control(value):
            raise ValidationError(MENSAJE_CONTROL, code="control")
        return super().to_python(value)


class PaginaField(TextoField):
    """The page of a list (``?page=``): 1 when absent; a whole number from 1 in ASCII digits,
    else one Spanish message (a 400 from the list, never a 500 for ``²`` or 10³⁰)."""

    MENSAJE = "La página debe ser un número entero mayor que cero."

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("error_messages", {"max_length": self.MENSAJE})
        super().__init__(**kwargs)

    def clean(self, value):
        texto = super().clean(value)
        if not texto:
            return 1
        numero = entero_leer(texto, minimo=1, maximo=10**12)
        if numero is None:
            raise forms.ValidationError(self.MENSAJE)
        return numero


class EnteroField(forms.IntegerField):
    """A whole number in ASCII digits, bounded to the column (``integer`` unless said)."""

    def __init__(self, *, min_value: int | None = 0, max_value: int | None = ENTERO_MAXIMO, **kwargs):
        etiqueta = kwargs.get("label") or "El número"
        mensajes = {
            "required": f"{etiqueta}: escribe un número.",
            "invalid": f"{etiqueta}: escribe un número entero con dígitos (0–9), sin decimales.",
            "min_value": f"{etiqueta}: debe ser al menos %(limit_value)s.",
            "max_value": f"{etiqueta}: no puede pasar de %(limit_value)s.",
        }
        mensajes.update(kwargs.pop("error_messages", None) or {})
        if min_value is None:
            min_value = -ENTERO_MAXIMO - 1
        if max_value is None:
            max_value = ENTERO_MAXIMO
        super().__init__(min_value=min_value, max_value=max_value, error_messages=mensajes, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        texto = str(value).strip().replace(",", "") if isinstance(value, str) else str(value)
        if not _ENTERO.fullmatch(texto):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(texto)


class DineroField(forms.DecimalField):
    """An amount in pesos: ASCII digits, at most 2 decimals, 0 … 9,999,999.99 unless said.

    Accepts what cashiers type: ``150``, ``150.5``, ``$1,250.00``."""

    def __init__(self, *, min_value: Decimal | None = Decimal("0"), max_value: Decimal = DINERO_MAXIMO, **kwargs):
        etiqueta = kwargs.get("label") or "El importe"
        mensajes = {
            "required": f"{etiqueta}: escribe el importe.",
            "invalid": f"{etiqueta}: escribe un importe en pesos, por ejemplo 150.50.",
            "min_value": f"{etiqueta}: no puede ser negativo." if min_value == 0 else f"{etiqueta}: debe ser al menos %(limit_value)s.",
            "max_value": f"{etiqueta}: el importe es demasiado grande (máximo ${max_value:,.2f}).",
            "max_decimal_places": f"{etiqueta}: usa como máximo 2 decimales (centavos).",
            "max_digits": f"{etiqueta}: el importe es demasiado grande (máximo ${max_value:,.2f}).",
            "max_whole_digits": f"{etiqueta}: el importe es demasiado grande (máximo ${max_value:,.2f}).",
        }
        mensajes.update(kwargs.pop("error_messages", None) or {})
        # max_value bounds the size; max_digits stays unset so 10^30 gets one message, not two.
        super().__init__(min_value=min_value, max_value=max_value, max_digits=None, decimal_places=2,
                         error_messages=mensajes, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return Decimal(value)
        texto = str(value).strip()
        coincidencia = _DECIMAL.fullmatch(texto)
        if not coincidencia or not (coincidencia["entero"] or coincidencia["fraccion"]):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        numero = (coincidencia["entero"] or "0").replace(",", "")
        try:
            return Decimal(f"{coincidencia['signo']}{numero}.{coincidencia['fraccion'] or '0'}")
        except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


def fecha_leer(texto: str) -> date | None:
    """``texto`` as a date (YYYY-MM-DD or DD/MM/YYYY, ASCII digits); None when it is not one.

    Raises ``ValueError`` when the shape is right but the day does not exist (2026-02-30)."""
    coincidencia = _FECHA_ISO.fullmatch(texto) or _FECHA_MX.fullmatch(texto)
    if not coincidencia:
        return None
    return date(int(coincidencia["anio"]), int(coincidencia["mes"]), int(coincidencia["dia"]))


class FechaField(forms.CharField):
    """A local date as YYYY-MM-DD or DD/MM/YYYY within [minima, maxima], saying clearly when
    the date does not exist instead of a generic "invalid"."""

    def __init__(self, *, minima: date = FECHA_MINIMA, maxima=FECHA_MAXIMA, mensaje_maxima: str = "",
                 mensaje_minima: str = "", required: bool = False, widget=None, **kwargs):
        widget = widget or forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        super().__init__(required=required, strip=True, widget=widget, **kwargs)
        self.minima, self.maxima = minima, maxima
        self.mensaje_minima, self.mensaje_maxima = mensaje_minima, mensaje_maxima

    def prepare_value(self, value):
        return value.isoformat() if isinstance(value, date) else value

    def to_python(self, value):
        if isinstance(value, date):
            return value
        texto = super().to_python(value)
        if not texto:
            return None
        etiqueta = self.label or "Fecha"
        formato = f"{etiqueta}: escribe la fecha como AAAA-MM-DD (por ejemplo 2026-03-15)."
        if len(texto) > 10 or tiene_control(texto):
            raise ValidationError(formato, code="invalid")
        try:
            fecha = fecha_leer(texto)
        except ValueError:
            raise ValidationError(f"La fecha {texto} no existe.", code="inexistente") from None
        if fecha is None:
            raise ValidationError(formato, code="invalid")
        maxima = self.maxima() if callable(self.maxima) else self.maxima
        if fecha < self.minima:
            raise ValidationError(self.mensaje_minima or f"{etiqueta}: la fecha debe ser del {self.minima:%d/%m/%Y} en adelante.",
                                  code="minima")
        if maxima is not None and fecha > maxima:
            raise ValidationError(self.mensaje_maxima or f"{etiqueta}: la fecha no puede ser posterior al {maxima:%d/%m/%Y}.",
                                  code="maxima")
        return fecha


class TelefonoField(TextoField):
    """A phone number kept as its digits (7 to 15 of them); spaces, dashes, dots,
    parentheses and a leading + are allowed while typing and dropped."""

    _PERMITIDOS = re.compile(r"\+?[0-9 ().-]*")

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}))
        super().__init__(**kwargs)

    def clean(self, value):
        texto = super().clean(value)
        if not texto:
            return ""
        if not self._PERMITIDOS.fullmatch(texto):
            raise ValidationError("El teléfono solo puede llevar dígitos (y espacios, guiones o paréntesis).",
                                  code="invalid")
        digitos = re.sub(r"[^0-9]", "", texto)
        if not 7 <= len(digitos) <= 15:
            raise ValidationError("El teléfono debe tener entre 7 y 15 dígitos.", code="invalid")
        return digitos


class EntradasMiddleware:
    """Refuse, with a Spanish 400 page, any request whose path, query string or form fields
    carry NUL or control characters. No view, form or query ever sees them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._hostil(request):
            contenido = render_to_string("400.html", {"mensaje": MENSAJE_CONTROL}, request=request)
            return HttpResponseBadRequest(contenido)
        return self.get_response(request)

    @staticmethod
    def _hostil(request) -> bool:
        if tiene_control(request.path):
            return True
        for datos in (request.GET, request.POST if request.method == "POST" else None):
            if datos is None:
                continue
            for clave, valores in datos.lists():
                if tiene_control(clave) or any(tiene_control(v) for v in valores if isinstance(v, str)):
                    return True
        return False
