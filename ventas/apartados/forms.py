from django import forms

from ventas.apartados.selectors import ABIERTOS, FILTROS
from ventas.apartados.services import DESTINO_MONEDERO, DESTINO_REEMBOLSO
from ventas.politica import MOTIVO_MAXIMO, Credenciales
from ventas_ingenio.entradas import TextoField


class ApartadosFiltroForm(forms.Form):
    """The list's filter and search; anything unexpected falls back to the open ones."""

    filtro = forms.ChoiceField(label="Mostrar", choices=FILTROS, required=False)
    q = TextoField(label="Cliente o folio", max_length=100, required=False)

    def valores(self) -> tuple[str, str]:
        if not self.is_valid():
            return ABIERTOS, ""
        return self.cleaned_data["filtro"] or ABIERTOS, self.cleaned_data["q"]


class ApartadoCancelarForm(forms.Form):
    """Reason, where the money goes, Gerente credentials (for a Cajero), one-time key."""

    clave = forms.UUIDField(widget=forms.HiddenInput,
                            error_messages={"invalid": "El formulario está incompleto: vuelve a abrirlo.",
                                            "required": "El formulario está incompleto: vuelve a abrirlo."})
    motivo = TextoField(
        label="Motivo", max_length=MOTIVO_MAXIMO, strip=True,
        error_messages={"required": "Escribe el motivo.",
                        "max_length": f"El motivo no puede pasar de {MOTIVO_MAXIMO} caracteres."},
    )
    destino = forms.ChoiceField(
        label="Lo pagado", widget=forms.RadioSelect,
        choices=[(DESTINO_MONEDERO, "Queda como saldo a favor del cliente"),
                 (DESTINO_REEMBOLSO, "Se reembolsa por donde entró (efectivo de tu caja, tarjeta, transferencia)")],
        error_messages={"invalid_choice": "Elige qué pasa con lo pagado: saldo a favor o reembolso.",
                        "required": "Elige qué pasa con lo pagado: saldo a favor o reembolso."},
    )
    gerente_usuario = TextoField(label="Usuario del gerente", max_length=150, required=False)
    gerente_clave = TextoField(label="Contraseña del gerente", max_length=128, required=False,
                               widget=forms.PasswordInput)

    def credenciales(self) -> Credenciales | None:
        usuario = self.cleaned_data.get("gerente_usuario", "").strip()
        if not usuario:
            return None
        return Credenciales(usuario=usuario, clave=self.cleaned_data.get("gerente_clave", ""))
