"""The Django admin's form for a salesperson: the user is chosen among the auth database's
active users (the two databases share no foreign key, so the id is checked here), the name is
copied from the user, the percentage goes through the project's decimal input."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model

from ventas.models import Vendedor
from ventas_ingenio.entradas import DineroField
from ventas_ingenio.roles import nombre_para_registro
from ventas_ingenio.router import DB_AUTH


def _etiqueta(usuario) -> str:
    return f"{nombre_para_registro(usuario)} ({usuario.get_username()})"


class VendedorAdminForm(forms.ModelForm):
    id_usuario = forms.TypedChoiceField(
        label="Usuario", coerce=int, help_text="Usuarios activos del sistema. El nombre se toma del usuario.",
        error_messages={"invalid_choice": "Elige un usuario de la lista.", "required": "Elige un usuario."},
    )
    comision_porcentaje = DineroField(
        label="Comisión (%)", max_value=Decimal("100"), required=True,
        help_text="Porcentaje del total vendido (neto de devoluciones). Cambiarlo no cambia las ventas ya hechas.",
        # The validators' messages are %-formatted: their "%" is written "%%".
        error_messages={"invalid": "Comisión (%): escribe un porcentaje, por ejemplo 5 o 2.5.",
                        "max_value": "Comisión (%%): no puede pasar de 100.",
                        "min_value": "Comisión (%%): no puede ser negativa.",
                        "max_decimal_places": "Comisión (%%): usa como máximo 2 decimales.",
                        "required": "Comisión (%): escribe el porcentaje (0 si no lleva comisión)."},
    )

    class Meta:
        model = Vendedor
        fields = ["id_usuario", "comision_porcentaje", "activo"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        usuarios = get_user_model().objects.using(DB_AUTH).filter(is_active=True).order_by(
            "first_name", "last_name", "username")
        opciones = [("", "---------"), *((u.pk, _etiqueta(u)) for u in usuarios)]
        actual = self.instance.id_usuario if self.instance.pk else None
        if actual is not None and all(valor != actual for valor, _ in opciones):
            # The user was deactivated since: still shown, so the row can be deactivated too.
            opciones.append((actual, f"{self.instance.nombre} (usuario dado de baja)"))
        self.fields["id_usuario"].choices = opciones

    def clean(self):
        datos = super().clean()
        id_usuario = datos.get("id_usuario")
        if id_usuario is None:
            return datos
        usuario = get_user_model().objects.using(DB_AUTH).filter(pk=id_usuario).first()
        if usuario is None:
            self.add_error("id_usuario", "Ese usuario no existe.")
        elif not usuario.is_active and datos.get("activo"):
            self.add_error("id_usuario", "Ese usuario está dado de baja: desactiva también al vendedor o elige otro.")
        else:
            self.instance.nombre = nombre_para_registro(usuario)
        return datos
