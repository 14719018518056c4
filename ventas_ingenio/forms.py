from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm


class FormularioEntrar(AuthenticationForm):
    error_messages = {
        "invalid_login": "Usuario o contraseña incorrectos. Revisa mayúsculas y minúsculas.",
        "inactive": "Esta cuenta está desactivada. Pide a un gerente que la active.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Usuario"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget = forms.PasswordInput(attrs={"autocomplete": "current-password"})
        self.fields["password"].label = "Contraseña"


class FormularioEntrarAdmin(AdminAuthenticationForm):
    """The admin's sign-in with our Spanish messages (Django's es-MX text has a typo and says
    "staff"): only a Gerente enters the admin."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": "Usuario o contraseña incorrectos, o la cuenta no puede entrar a la administración "
                         "(solo un gerente). Revisa mayúsculas y minúsculas.",
        "inactive": FormularioEntrar.error_messages["inactive"],
    }
