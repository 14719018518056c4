
from django import forms

from ventas.devoluciones.services import LineaDevolucionDatos
from ventas.models import MetodoPago
from ventas.politica import MOTIVO_MAXIMO, Credenciales
from ventas_ingenio.entradas import EnteroField, TextoField


class _DevolucionBaseForm(forms.Form):
    """Fields shared by the cancel and return forms: one-time key, reason, Gerente credentials."""

    clave = forms.UUIDField(widget=forms.HiddenInput,
                            error_messages={"invalid": "El formulario está incompleto: vuelve a abrirlo.",
                                            "required": "El formulario está incompleto: vuelve a abrirlo."})
    motivo = TextoField(
        label="Motivo", max_length=MOTIVO_MAXIMO, strip=True,
        error_messages={"required": "Escribe el motivo.",
                        "max_length": f"El motivo no puede pasar de {MOTIVO_MAXIMO} caracteres."},
    )
    gerente_usuario = TextoField(label="Usuario del gerente", max_length=150, required=False)
    gerente_clave = TextoField(label="Contraseña del gerente", max_length=128, required=False,
                                    widget=forms.PasswordInput)

    def credenciales(self) -> Credenciales | None:
        usuario = self.cleaned_data.get("gerente_usuario", "").strip()
        if not usuario:
            return None
        return Credenciales(usuario=usuario, clave=self.cleaned_data.get("gerente_clave", ""))


class CancelarVentaForm(_DevolucionBaseForm):
    """``con_monedero`` (a named client's sale): the refund may go to their store credit instead
    of back by the methods the sale was paid with."""

    metodo_reembolso = forms.ChoiceField(
        label="Reembolsar", required=False,
        choices=[("", "Por donde entró el dinero"), (MetodoPago.MONEDERO, "Como saldo a favor del cliente")],
        error_messages={"invalid_choice": "Elige cómo se reembolsa."},
    )

    def __init__(self, *args, con_monedero: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not con_monedero:
            del self.fields["metodo_reembolso"]


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
            self.fields[self.nombre_campo(linea)] = EnteroField(
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
