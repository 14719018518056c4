from django import forms
from django.core.exceptions import ValidationError

from inventario.models import Producto
from inventario.validators import codigo_barras_normalizar

MENSAJES_PRECIO = {
    "invalid": "Escribe el precio como número, por ejemplo 125.50.",
    "max_decimal_places": "El precio admite como máximo 2 decimales.",
    "max_digits": "El precio es demasiado grande.",
    "required": "Escribe el precio.",
}


class ProductoForm(forms.ModelForm):
    """Product data. The stock is not here: it changes only through entradas and ajustes."""

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

    class Meta:
        model = Producto
        fields = ["precio"]
        error_messages = {"precio": MENSAJES_PRECIO}


class EntradaForm(forms.Form):
    cantidad = forms.IntegerField(
        label="Cantidad recibida",
        min_value=1,
        error_messages={
            "min_value": "La cantidad recibida debe ser mayor que cero.",
            "invalid": "Escribe la cantidad como número entero.",
            "required": "Escribe la cantidad recibida.",
        },
    )
    nota = forms.CharField(label="Nota o proveedor", max_length=255, required=False)


class AjusteForm(forms.Form):
    """A count correction. ``existencia_anterior`` carries the stock shown when the form opened."""

    existencia_nueva = forms.IntegerField(
        label="Existencia contada",
        min_value=0,
        error_messages={
            "min_value": "La existencia contada no puede ser menor que cero.",
            "invalid": "Escribe la existencia como número entero.",
            "required": "Escribe la existencia contada.",
        },
    )
    motivo = forms.CharField(
        label="Motivo", max_length=255, error_messages={"required": "Escribe el motivo del ajuste."}
    )
    existencia_anterior = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        datos = super().clean()
        nueva, anterior = datos.get("existencia_nueva"), datos.get("existencia_anterior")
        if nueva is not None and anterior is not None and nueva == anterior:
            raise ValidationError(f"La existencia ya es {anterior}: no hay nada que ajustar.")
        return datos


class FiltroInventarioForm(forms.Form):
    q = forms.CharField(label="Buscar", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Nombre, código o código de barras"}))
    categoria = forms.TypedChoiceField(label="Categoría", required=False, coerce=int, empty_value=None)
    bajo_minimo = forms.BooleanField(label="Solo existencia baja", required=False)

    def __init__(self, *args, categorias=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categoria"].choices = [("", "Todas")] + [(c.pk, c.nombre) for c in categorias]
