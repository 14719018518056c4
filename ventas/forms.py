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
