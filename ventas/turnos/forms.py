from decimal import Decimal

from django import forms

from ventas.calculos import DENOMINACIONES, conteo_total
from ventas.campos import FechaField
from ventas.models import EstadoTurno, TipoMovimientoCaja
from ventas.politica import Credenciales
from ventas_ingenio.entradas import DineroField, EnteroField, TextoField


def _dinero(etiqueta, requerido=False):
    return DineroField(label=etiqueta, required=requerido)


# --- Cash-drawer shifts ---------------------------------------------------------------------


class TurnoAbrirForm(forms.Form):
    fondo_inicial = _dinero("Fondo inicial", requerido=True)
    fondo_inicial.error_messages["required"] = "Escribe el fondo inicial (el efectivo con que abre la caja)."


class MovimientoCajaForm(forms.Form):
    tipo = forms.ChoiceField(
        label="Tipo", choices=TipoMovimientoCaja.choices, widget=forms.RadioSelect,
        error_messages={"required": "Elige si es un retiro o un depósito.",
                        "invalid_choice": "Elige si es un retiro o un depósito."},
    )
    monto = _dinero("Monto", requerido=True)
    monto.error_messages["required"] = "Escribe el monto del movimiento."
    motivo = TextoField(
        label="Motivo", max_length=200,
        error_messages={"required": "Escribe el motivo del movimiento de caja.",
                        "max_length": "El motivo es demasiado largo (máximo 200 caracteres)."},
    )

    def clean_monto(self):
        monto = self.cleaned_data["monto"]
        if monto == 0:
            raise forms.ValidationError("Monto: debe ser mayor que cero.")
        return monto


def _piezas(etiqueta):
    return EnteroField(
        label=etiqueta, required=False, min_value=0, max_value=100_000,
        widget=forms.NumberInput(attrs={"class": "entrada-corta", "min": "0", "step": "1"}),
        error_messages={
            "invalid": f"{etiqueta}: escribe un número entero de piezas.",
            "min_value": f"{etiqueta}: no puede ser negativo.",
            "max_value": f"{etiqueta}: son demasiadas piezas.",
        },
    )


class TurnoCerrarForm(forms.Form):
    """The close: cash by denomination or as a total, card and transfer totals, a note and,
    when the difference needs it, a Gerente's username and password."""

    efectivo_total = _dinero("Efectivo contado (total)")
    tarjeta_reportado = _dinero("Tarjeta (total del terminal)")
    transferencia_reportado = _dinero("Transferencias recibidas")
    nota = TextoField(label="Nota del cierre", max_length=255, required=False,
                           error_messages={"max_length": "La nota es demasiado larga (máximo 255 caracteres)."})
    autorizo_usuario = TextoField(label="Usuario del gerente", max_length=150, required=False)
    autorizo_clave = TextoField(label="Contraseña del gerente", max_length=128, required=False,
                                     widget=forms.PasswordInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for clave, _, etiqueta in DENOMINACIONES:
            self.fields[f"d_{clave}"] = _piezas(etiqueta)

    def campos_denominacion(self):
        return [self[f"d_{clave}"] for clave, _, _ in DENOMINACIONES]

    def clean(self):
        datos = super().clean()
        piezas = {clave: datos.get(f"d_{clave}") for clave, _, _ in DENOMINACIONES}
        if any(f"d_{clave}" in self.errors for clave in piezas):
            return datos
        contadas = any(v is not None for v in piezas.values())
        datos["denominaciones"] = {k: v or 0 for k, v in piezas.items()} if contadas else None
        if not contadas and datos.get("efectivo_total") is None and "efectivo_total" not in self.errors:
            raise forms.ValidationError("Cuenta el efectivo: por denominación o escribe el total.")
        if contadas and datos.get("efectivo_total") is not None:
            total = conteo_total(datos["denominaciones"])
            if total != datos["efectivo_total"]:
                raise forms.ValidationError(
                    f"El total escrito (${datos['efectivo_total']:,.2f}) no coincide con el conteo por "
                    f"denominación (${total:,.2f}). Deja uno de los dos."
                )
        for campo in ("tarjeta_reportado", "transferencia_reportado"):
            if datos.get(campo) is None and campo not in self.errors:
                datos[campo] = Decimal("0")
        if bool(datos.get("autorizo_usuario")) != bool(datos.get("autorizo_clave")):
            raise forms.ValidationError("Para autorizar, el gerente escribe su usuario y su contraseña.")
        return datos

    def credenciales(self) -> Credenciales | None:
        """The Gerente's username and password typed to authorise a difference, if any."""
        if not self.cleaned_data.get("autorizo_usuario"):
            return None
        return Credenciales(usuario=self.cleaned_data["autorizo_usuario"], clave=self.cleaned_data["autorizo_clave"])

    def efectivo_contado(self) -> Decimal:
        datos = self.cleaned_data
        if datos["denominaciones"] is not None:
            return conteo_total(datos["denominaciones"])
        return datos["efectivo_total"]


class TurnoFiltroForm(forms.Form):
    """Filters of the shift list; they live in the URL (GET)."""

    cajero = forms.TypedChoiceField(label="Cajero", required=False, coerce=int, empty_value=None,
                                    error_messages={"invalid_choice": "Ese cajero no tiene turnos."})
    desde = FechaField(label="Desde")
    hasta = FechaField(label="Hasta")
    estado = forms.ChoiceField(label="Estado", required=False,
                               choices=[("", "Todos"), *EstadoTurno.choices],
                               error_messages={"invalid_choice": "Estado no válido."})

    def __init__(self, *args, cajeros=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cajero"].choices = [("", "Todos"), *cajeros]

    def clean(self):
        datos = super().clean()
        if datos.get("desde") and datos.get("hasta") and datos["desde"] > datos["hasta"]:
            raise forms.ValidationError("La fecha «desde» es posterior a la fecha «hasta».")
        return datos
