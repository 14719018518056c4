from decimal import Decimal

from django import forms

from ventas.models import MetodoPago
from ventas.services import CANTIDAD_MAXIMA, MOTIVO_MAXIMO, AutorizacionDatos, LineaDevolucionDatos

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


class _DevolucionBaseForm(forms.Form):
    """Fields shared by the cancel and return forms: one-time key, reason, Gerente credentials."""

    clave = forms.UUIDField(widget=forms.HiddenInput,
                            error_messages={"invalid": "El formulario está incompleto: vuelve a abrirlo.",
                                            "required": "El formulario está incompleto: vuelve a abrirlo."})
    motivo = forms.CharField(
        label="Motivo", max_length=MOTIVO_MAXIMO, strip=True,
        error_messages={"required": "Escribe el motivo.",
                        "max_length": f"El motivo no puede pasar de {MOTIVO_MAXIMO} caracteres."},
    )
    gerente_usuario = forms.CharField(label="Usuario del gerente", max_length=150, required=False)
    gerente_clave = forms.CharField(label="Contraseña del gerente", max_length=128, required=False,
                                    widget=forms.PasswordInput)

    def autorizacion(self) -> AutorizacionDatos | None:
        usuario = self.cleaned_data.get("gerente_usuario", "").strip()
        if not usuario:
            return None
        return AutorizacionDatos(usuario=usuario, clave=self.cleaned_data.get("gerente_clave", ""))


class CancelarVentaForm(_DevolucionBaseForm):
    pass


class DevolverVentaForm(_DevolucionBaseForm):
    """One quantity per sold line that still has units to return (``linea_<id>``), plus the refund method.

    The form checks what it can see (whole numbers, 0 … returnable); the service checks
    again under the sale's lock, since another return may have happened meanwhile.
    """

    metodo_reembolso = forms.ChoiceField(label="Reembolsar en", choices=MetodoPago.choices,
                                         error_messages={"invalid_choice": "Elige cómo se reembolsa.",
                                                         "required": "Elige cómo se reembolsa."})

    def __init__(self, *args, lineas, metodos: list[str], repetido: bool = False, **kwargs):
        """``repetido``: this form's key was already used, so it is read against what was sold
        (not what is left now) and the service decides whether it is the same return."""
        super().__init__(*args, **kwargs)
        self.lineas = list(lineas)
        if repetido:
            metodos = MetodoPago.values
        self.fields["metodo_reembolso"].choices = [(m, MetodoPago(m).label) for m in metodos]
        if not metodos:  # a sale that cost $0 (or was fully refunded) has no money to give back
            self.fields["metodo_reembolso"].required = False
            self.fields["metodo_reembolso"].choices = [("", "Nada que reembolsar")]
        for linea in self.lineas:
            quedan = linea.cantidad if repetido else linea.por_devolver
            if quedan <= 0:
                continue
            self.fields[self.nombre_campo(linea)] = forms.IntegerField(
                label=f"Cantidad a devolver de {linea.descripcion}", required=False, min_value=0, max_value=quedan,
                initial=0,
                error_messages={
                    "invalid": f"{linea.descripcion}: la cantidad debe ser un número entero.",
                    "min_value": f"{linea.descripcion}: la cantidad no puede ser negativa.",
                    "max_value": f"{linea.descripcion}: solo {'queda 1' if quedan == 1 else f'quedan {quedan}'} "
                                 "por devolver.",
                },
            )

    @staticmethod
    def nombre_campo(linea) -> str:
        return f"linea_{linea.pk}"

    def filas(self):
        """(line, bound quantity field or None) for the template's table."""
        return [(linea, self[self.nombre_campo(linea)] if self.nombre_campo(linea) in self.fields else None)
                for linea in self.lineas]

    def clean(self):
        datos = super().clean()
        if not self.errors and not self.lineas_datos():
            raise forms.ValidationError("Indica al menos un artículo a devolver.")
        return datos

    def lineas_datos(self) -> list[LineaDevolucionDatos]:
        return [
            LineaDevolucionDatos(venta_detalle_id=linea.pk, cantidad=self.cleaned_data[self.nombre_campo(linea)])
            for linea in self.lineas
            if self.cleaned_data.get(self.nombre_campo(linea))
        ]
