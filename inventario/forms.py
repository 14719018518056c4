from django import forms
from django.core.exceptions import ValidationError

from inventario.models import Producto
from inventario.services import EXISTENCIA_MAXIMA
from inventario.validators import codigo_barras_normalizar
from ventas_ingenio.entradas import DineroField, EnteroField, TextoField

MENSAJES_PRECIO = {
    "invalid": "Escribe el precio como número, por ejemplo 125.50.",
    "max_decimal_places": "El precio admite como máximo 2 decimales.",
    "max_value": "El precio es demasiado grande (máximo $9,999,999.99).",
    "min_value": "El precio no puede ser negativo.",
    "required": "Escribe el precio.",
}


class ProductoForm(forms.ModelForm):
    """Product data. The stock is not here: it changes only through entradas and ajustes."""

    precio = DineroField(label="Precio (IVA incluido)", help_text="Precio de venta en MXN, con IVA incluido.",
                         error_messages=MENSAJES_PRECIO)
    existencia_minima = EnteroField(
        label="Existencia mínima", min_value=0, max_value=EXISTENCIA_MAXIMA, initial=0,
        help_text="Con esta existencia o menos, el producto aparece en alerta.",
    )

    class Meta:
        model = Producto
        fields = [
            "codigo", "codigo_barras", "nombre", "descripcion", "categoria",
            "precio", "tasa_iva", "existencia_minima", "activo",
        ]
        error_messages = {"precio": MENSAJES_PRECIO, "codigo": {"required": "Escribe el código del producto."}}

    def clean_codigo(self):
        return " ".join(self.cleaned_data["codigo"].split()).upper()

    def clean_codigo_barras(self):
        valor = (self.cleaned_data.get("codigo_barras") or "").strip()
        if not valor:
            return None  # several products without barcode: NULL is not a duplicate
        return codigo_barras_normalizar(valor)


class PrecioListaForm(forms.ModelForm):
    """The price edited straight from the admin list, with the same Spanish messages."""

    precio = DineroField(label="Precio", error_messages=MENSAJES_PRECIO)

    class Meta:
        model = Producto
        fields = ["precio"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An edition's price follows its course or edition (Cursos › Ediciones): shown, not edited.
        if self.instance.pk and self.instance.tipo == "curso":
            self.fields["precio"].disabled = True


class EntradaForm(forms.Form):
    cantidad = EnteroField(
        label="Cantidad recibida",
        min_value=1,
        max_value=EXISTENCIA_MAXIMA,
        error_messages={
            "min_value": "La cantidad recibida debe ser mayor que cero.",
            "invalid": "Escribe la cantidad como número entero (dígitos 0–9).",
            "required": "Escribe la cantidad recibida.",
            "max_value": f"La cantidad recibida no puede pasar de {EXISTENCIA_MAXIMA:,}.",
        },
    )
    nota = TextoField(label="Nota o proveedor", max_length=255, required=False)


class AjusteForm(forms.Form):
    """A count correction. ``existencia_anterior`` carries the stock shown when the form opened."""

    existencia_nueva = EnteroField(
        label="Existencia contada",
        min_value=0,
        max_value=EXISTENCIA_MAXIMA,
        error_messages={
            "min_value": "La existencia contada no puede ser menor que cero.",
            "invalid": "Escribe la existencia como número entero (dígitos 0–9).",
            "required": "Escribe la existencia contada.",
            "max_value": f"La existencia contada no puede pasar de {EXISTENCIA_MAXIMA:,}.",
        },
    )
    motivo = TextoField(
        label="Motivo", max_length=255, error_messages={"required": "Escribe el motivo del ajuste."}
    )
    existencia_anterior = EnteroField(widget=forms.HiddenInput, min_value=0)

    def clean(self):
        datos = super().clean()
        nueva, anterior = datos.get("existencia_nueva"), datos.get("existencia_anterior")
        if nueva is not None and anterior is not None and nueva == anterior:
            raise ValidationError(f"La existencia ya es {anterior}: no hay nada que ajustar.")
        return datos


class FiltroInventarioForm(forms.Form):
    q = TextoField(label="Buscar", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Nombre, código o código de barras"}))
    categoria = forms.TypedChoiceField(label="Categoría", required=False, coerce=int, empty_value=None)
    bajo_minimo = forms.BooleanField(label="Solo existencia baja", required=False)

    def __init__(self, *args, categorias=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categoria"].choices = [("", "Todas")] + [(c.pk, c.nombre) for c in categorias]
