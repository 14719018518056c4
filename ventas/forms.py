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
FORMATO_FECHA = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits only: \d also takes other scripts


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
        if len(texto) != 10 or not FORMATO_FECHA.fullmatch(texto):
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


class FechaField(forms.CharField):
    """A local date as YYYY-MM-DD (what <input type="date"> sends) or DD/MM/YYYY, saying
    clearly when the date does not exist (2026-02-30) instead of a generic "invalid"."""

    def __init__(self, **kwargs):
        super().__init__(required=False, strip=True, **kwargs)

    def to_python(self, value):
        texto = super().to_python(value)
        if not texto:
            return None
        if len(texto) > 10:
            raise forms.ValidationError(f"{self.label}: escribe la fecha como AAAA-MM-DD (por ejemplo 2026-03-15).",
                                        code="invalid")
        for formato, orden in (("-", (0, 1, 2)), ("/", (2, 1, 0))):
            partes = texto.split(formato)
            if len(partes) == 3 and all(p.isdigit() for p in partes):
                anio, mes, dia = (int(partes[i]) for i in orden)
                try:
                    return date(anio, mes, dia)
                except ValueError:
                    raise forms.ValidationError(f"La fecha {texto} no existe.", code="inexistente") from None
        raise forms.ValidationError(f"{self.label}: escribe la fecha como AAAA-MM-DD (por ejemplo 2026-03-15).",
                                    code="invalid")


def _texto_filtro(etiqueta, maximo=100):
    return forms.CharField(
        label=etiqueta, required=False, max_length=maximo, strip=True,
        error_messages={"max_length": f"{etiqueta}: escribe como máximo {maximo} caracteres."},
    )


class HistorialForm(forms.Form):
    """The history's filters (all in the GET querystring, so a filtered page can be bookmarked)."""

    desde = FechaField(label="Desde")
    hasta = FechaField(label="Hasta")
    folio = _texto_filtro("Folio", 20)
    cliente = _texto_filtro("Cliente")
    cajero = forms.TypedChoiceField(
        label="Cajero", required=False, coerce=int, empty_value=None,
        error_messages={"invalid_choice": "Elige un cajero de la lista."},
    )
    estado = forms.ChoiceField(
        label="Estado", required=False,
        choices=[("", "Todos"), ("completada", "Completada"), ("devolucion", "Con devolución parcial"),
                 ("cancelada", "Cancelada")],
        error_messages={"invalid_choice": "Elige un estado de la lista."},
    )
    metodo = forms.ChoiceField(label="Método de pago", required=False,
                               error_messages={"invalid_choice": "Elige un método de pago de la lista."})
    producto = _texto_filtro("Producto")
    page = forms.CharField(required=False, max_length=12, error_messages={
        "max_length": "La página debe ser un número entero mayor que cero."})

    def __init__(self, *args, cajeros=(), mostrar_cajero=True, **kwargs):
        from ventas.models import MetodoPago

        super().__init__(*args, **kwargs)
        self.fields["metodo"].choices = [("", "Todos"), *MetodoPago.choices]
        if mostrar_cajero:
            self.fields["cajero"].choices = [("", "Todos"), *cajeros]
        else:
            del self.fields["cajero"]  # a Cajero only ever sees their own sales

    def clean_folio(self):
        texto = self.cleaned_data["folio"].upper().replace(" ", "")
        if not texto:
            return None
        numero = texto.removeprefix("V-").removeprefix("V")
        if not numero.isdigit() or len(numero) > 12:
            raise forms.ValidationError("Folio no válido: escribe V-000123 o solo el número.")
        return int(numero)

    def clean_page(self):
        texto = self.cleaned_data["page"]
        if not texto:
            return 1
        if not texto.isdigit() or int(texto) < 1:
            raise forms.ValidationError("La página debe ser un número entero mayor que cero.")
        return int(texto)

    def clean(self):
        datos = super().clean()
        desde, hasta = datos.get("desde"), datos.get("hasta")
        if desde and hasta and desde > hasta:
            self.add_error("hasta", f"El rango está al revés: «hasta» ({hasta:%d/%m/%Y}) es anterior a «desde» "
                                    f"({desde:%d/%m/%Y}).")
        return datos
