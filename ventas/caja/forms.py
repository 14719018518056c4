from decimal import Decimal

from django import forms
from django.utils import timezone

from clientes.forms import ClienteForm
from ventas.models import ModalidadVenta
from ventas.politica import CANTIDAD_MAXIMA, Credenciales
from ventas_ingenio.entradas import DineroField, EnteroField, FechaField, TextoField

MENSAJES_CANTIDAD = {
    "required": "Escribe la cantidad.",
    "invalid": "La cantidad debe ser un número entero (sin decimales).",
    "min_value": "La cantidad debe ser al menos 1.",
    "max_value": f"La cantidad no puede pasar de {CANTIDAD_MAXIMA:,}.",
}


def _dinero(etiqueta, requerido=False):
    return DineroField(label=etiqueta, required=requerido)


class BuscarProductoForm(forms.Form):
    texto = TextoField(
        label="Buscar producto", max_length=100, strip=True,
        error_messages={"required": "Escribe o escanea un código.", "max_length": "La búsqueda es demasiado larga."},
    )


class AgregarProductoForm(forms.Form):
    producto = EnteroField(
        label="Producto", min_value=1,
        error_messages={codigo: "Producto no válido." for codigo in ("invalid", "required", "min_value", "max_value")},
    )


class LineaForm(forms.Form):
    cantidad = EnteroField(label="Cantidad", min_value=1, max_value=CANTIDAD_MAXIMA, error_messages=MENSAJES_CANTIDAD)
    descuento = _dinero("Descuento")

    def clean_descuento(self):
        return self.cleaned_data.get("descuento") or Decimal("0")


class AutorizarDescuentoForm(forms.Form):
    usuario = TextoField(label="Usuario del gerente", max_length=150)
    clave = TextoField(label="Contraseña del gerente", max_length=128, widget=forms.PasswordInput)

    def credenciales(self) -> Credenciales:
        return Credenciales(usuario=self.cleaned_data["usuario"], clave=self.cleaned_data["clave"])


class CobroForm(forms.Form):
    clave_cobro = forms.UUIDField(widget=forms.HiddenInput, error_messages={"invalid": "Clave de cobro no válida."})
    huella = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput,
                              error_messages={"invalid": "El formulario de cobro está incompleto."})
    efectivo_recibido = _dinero("Efectivo recibido")
    tarjeta_monto = _dinero("Tarjeta")
    tarjeta_referencia = TextoField(label="Ref. tarjeta", max_length=60, required=False)
    transferencia_monto = _dinero("Transferencia")
    transferencia_referencia = TextoField(label="Ref. transferencia", max_length=60, required=False)
    # Store credit of the cart's client (checked against the balance under its lock at checkout).
    monedero_monto = _dinero("Saldo a favor")
    # A quick-cash button ($50 … $500, "Exacto"): its value is the cash received.
    efectivo_rapido = _dinero("Efectivo (botón)")
    # Paying later (issue 15): the payments then cover the down payment, not the total. The
    # minimum and the dates are computed again by the view from the cart, never read from here.
    modalidad = forms.ChoiceField(
        label="Modalidad", required=False, choices=ModalidadVenta.choices, initial=ModalidadVenta.CONTADO,
        error_messages={"invalid_choice": "Elige la modalidad: de contado, apartado o en parcialidades."},
    )
    anticipo = DineroField(label="Anticipo", required=False, help_text="Vacío: el mínimo.")

    def clean_modalidad(self):
        return self.cleaned_data.get("modalidad") or ModalidadVenta.CONTADO

    def clean(self):
        datos = super().clean()
        if datos.get("efectivo_rapido") is not None:
            datos["efectivo_recibido"] = datos["efectivo_rapido"]
            self.errors.pop("efectivo_recibido", None)
        for campo in ("efectivo_recibido", "tarjeta_monto", "transferencia_monto", "monedero_monto"):
            if datos.get(campo) is None and campo not in self.errors:
                datos[campo] = Decimal("0")
        return datos


class ReanudarForm(forms.Form):
    """What happens to the current cart when a parked one is resumed (asked only when it has lines)."""

    ESPERA, VACIAR = "espera", "vaciar"
    actual = forms.ChoiceField(
        label="La venta actual", required=False,
        choices=[("", "—"), (ESPERA, "Ponerla en espera"), (VACIAR, "Vaciarla")],
        error_messages={"invalid_choice": "Elige poner en espera o vaciar la venta actual."},
    )


class EsperaForm(forms.Form):
    nota = TextoField(label="Nota", max_length=80, required=False)


class ClienteRapidoForm(ClienteForm):
    """Register who pays without leaving the POS: a person or a company, with optional email and
    RFC (the clients form's checks; the clients service re-checks and writes). Alumnos are
    registered apart: a payer is never sent to SII or Aula."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["direccion"]


# --- Course seats: the alumno picker --------------------------------------------------------

def _id_field(etiqueta: str, mensaje: str) -> EnteroField:
    return EnteroField(label=etiqueta, min_value=1,
                       error_messages=dict.fromkeys(("invalid", "required", "min_value", "max_value"), mensaje))


class InscribirForm(forms.Form):
    """One seat of an edition (``producto``) for an alumno."""

    producto = _id_field("Edición", "Edición no válida.")
    alumno = _id_field("Alumno", "Alumno no válido.")


class InscribirBuscarForm(forms.Form):
    producto = _id_field("Edición", "Edición no válida.")
    texto = TextoField(label="Buscar alumno", max_length=100, required=False,
                       error_messages={"max_length": "La búsqueda es demasiado larga."})


class AlumnoRapidoForm(forms.Form):
    """Register an alumno in place, paid for by the cart's client (the alumnos service validates
    the rest: CURP, duplicates)."""

    producto = _id_field("Edición", "Edición no válida.")
    nombre = TextoField(label="Nombre del alumno", max_length=100)
    apellidos = TextoField(label="Apellidos", max_length=150, required=False)
    curp = TextoField(label="CURP (opcional)", max_length=18, required=False)
    fecha_nacimiento = FechaField(label="Fecha de nacimiento", required=False,
                                  maxima=lambda: timezone.localdate(),
                                  mensaje_maxima="La fecha de nacimiento no puede ser futura.")
    parentesco = forms.ChoiceField(label="El cliente es su", choices=[], initial="madre",
                                   error_messages={"invalid_choice": "Elige el parentesco de la lista."})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "alumno_%s")  # the client's form on the same page uses id_*
        super().__init__(*args, **kwargs)
        from clientes.models import Parentesco

        self.fields["parentesco"].choices = Parentesco.choices
