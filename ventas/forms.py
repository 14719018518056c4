import re
from datetime import date
from decimal import Decimal

from django import forms

from ventas.services import CANTIDAD_MAXIMA

MENSAJES_CANTIDAD = {
    "required": "Escribe la cantidad.",
    "invalid": "La cantidad debe ser un número entero (sin decimales).",
    "min_value": "La cantidad debe ser al menos 1.",
    "max_value": f"La cantidad no puede pasar de {CANTIDAD_MAXIMA:,}.",
}


def _dinero(etiqueta, requerido=False):
    return forms.DecimalField(
        label=etiqueta, required=requerido, min_value=Decimal("0"), max_digits=12, decimal_places=2,
        error_messages={
            "invalid": f"{etiqueta}: escribe un importe en pesos, por ejemplo 150.50.",
            "min_value": f"{etiqueta}: no puede ser negativo.",
            "max_decimal_places": f"{etiqueta}: usa como máximo 2 decimales (centavos).",
            "max_digits": f"{etiqueta}: el importe es demasiado grande.",
            "max_whole_digits": f"{etiqueta}: el importe es demasiado grande.",
        },
    )


class BuscarProductoForm(forms.Form):
    texto = forms.CharField(
        label="Buscar producto", max_length=100, strip=True,
        error_messages={"required": "Escribe o escanea un código.", "max_length": "La búsqueda es demasiado larga."},
    )


class AgregarProductoForm(forms.Form):
    producto = forms.IntegerField(
        min_value=1, error_messages={"invalid": "Producto no válido.", "required": "Producto no válido.", "min_value": "Producto no válido."}
    )


class LineaForm(forms.Form):
    cantidad = forms.IntegerField(label="Cantidad", min_value=1, max_value=CANTIDAD_MAXIMA, error_messages=MENSAJES_CANTIDAD)
    descuento = _dinero("Descuento")

    def clean_descuento(self):
        return self.cleaned_data.get("descuento") or Decimal("0")


class AutorizarDescuentoForm(forms.Form):
    usuario = forms.CharField(label="Usuario del gerente", max_length=150)
    clave = forms.CharField(label="Contraseña del gerente", max_length=128, widget=forms.PasswordInput)


class CobroForm(forms.Form):
    clave_cobro = forms.UUIDField(widget=forms.HiddenInput, error_messages={"invalid": "Clave de cobro no válida."})
    huella = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput,
                              error_messages={"invalid": "El formulario de cobro está incompleto."})
    efectivo_recibido = _dinero("Efectivo recibido")
    tarjeta_monto = _dinero("Tarjeta")
    tarjeta_referencia = forms.CharField(label="Referencia de tarjeta", max_length=60, required=False)
    transferencia_monto = _dinero("Transferencia")
    transferencia_referencia = forms.CharField(label="Referencia de transferencia", max_length=60, required=False)

    def clean(self):
        datos = super().clean()
        for campo in ("efectivo_recibido", "tarjeta_monto", "transferencia_monto"):
            if datos.get(campo) is None and campo not in self.errors:
                datos[campo] = Decimal("0")
        return datos


class EsperaForm(forms.Form):
    nota = forms.CharField(label="Nota", max_length=80, required=False)


class ClienteRapidoForm(forms.Form):
    """Register a client without leaving the POS (the clients service validates the rest)."""

    nombre = forms.CharField(label="Nombre", max_length=100)
    apellidos = forms.CharField(label="Apellidos", max_length=150, required=False)
    email = forms.EmailField(label="Correo electrónico", max_length=254,
                             error_messages={"invalid": "Escribe un correo electrónico válido."})
    telefono = forms.CharField(label="Teléfono", max_length=20, required=False)
    curp = forms.CharField(label="CURP", max_length=18, required=False)


FECHA_MINIMA = date(2000, 1, 1)
_FORMATO_FECHA = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits only: \d also takes other scripts


class ResumenForm(forms.Form):
    """The day of the daily summary (``?fecha=AAAA-MM-DD``); empty means today.

    Parsed by hand instead of ``DateField`` so each bad input gets its own message (a day
    that does not exist is not a typo in the format) and anything longer than a date is
    rejected before parsing.
    """

    fecha = forms.CharField(label="Fecha", required=False, strip=True)

    def __init__(self, *args, hoy: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.hoy = hoy

    def clean_fecha(self):
        texto = self.cleaned_data["fecha"]
        if not texto:
            return None
        if len(texto) != 10 or not _FORMATO_FECHA.fullmatch(texto):
            raise forms.ValidationError("Escribe la fecha como AAAA-MM-DD, por ejemplo 2026-11-24.")
        try:
            fecha = date.fromisoformat(texto)
        except ValueError:
            raise forms.ValidationError(f"La fecha {texto} no existe: revisa el día y el mes.") from None
        if fecha < FECHA_MINIMA:
            raise forms.ValidationError("La fecha debe ser del 1 de enero de 2000 en adelante.")
        if fecha > self.hoy:
            raise forms.ValidationError("Esa fecha todavía no llega: elige hoy o un día anterior.")
        return fecha
