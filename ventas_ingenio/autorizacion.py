"""A Gerente's username and password typed on someone else's screen, checked with throttling.

Every on-screen authorisation (discounts above the cashier's limit, returns and cancellations,
a shift close with a difference) goes through ``autorizador_verificar``. The credentials go
through ``django.contrib.auth.authenticate`` with the till's request, so axes counts wrong
passwords exactly as on the sign-in page: after ``AXES_FAILURE_LIMIT`` failures for that
Gerente username from that till's address, the pair is refused for ``AXES_COOLOFF_TIME``
(even with the right password), and the refusal is raised as ``IntentosAgotados`` for the
view to show on the same screen. Each outcome is logged to ``ventas_ingenio.seguridad``
with who authorised what, for whom, from which address.
"""

import logging

from axes.utils import reset as intentos_borrar
from django.contrib.auth import authenticate

from ventas_ingenio.roles import nombre_para_registro
from ventas_ingenio.seguridad import ip_cliente, mensaje_de_bloqueo, minutos_de_bloqueo

log = logging.getLogger("ventas_ingenio.seguridad")


class AutorizacionNoValida(Exception):
    """Wrong credentials, or a user who may not authorise this. ``str()`` is for the cashier."""


class IntentosAgotados(AutorizacionNoValida):
    """Too many wrong passwords for this Gerente from this till: refused for a while."""


def autorizador_verificar(*, request, usuario: str, clave: str, permiso: str, que: str, detalle: str):
    """Return the user behind ``usuario``/``clave`` if they hold ``permiso``.

    ``que`` completes "no puede autorizar …" for the cashier; ``detalle`` says in the log what
    was being authorised ("descuentos del carrito de cajero1"). ``request`` is the till's
    request and is required: the limit is counted per username and till address.

    Raises ``IntentosAgotados`` while the pair is refused (nothing else is checked) and
    ``AutorizacionNoValida`` for wrong credentials, an inactive user or a missing permission.
    A success clears the pair's failures, as a successful sign-in does. Never call it inside
    a transaction: hashing the password takes a while.
    """
    if request is None:
        raise ValueError("Verificar a un gerente necesita la petición de la caja: el límite va por dirección.")
    solicitante = getattr(getattr(request, "user", None), "username", "") or "-"
    # The failed-sign-in log receiver skips this attempt: the lines below say more.
    request.autorizacion_en_curso = detalle
    try:
        autorizador = authenticate(request, username=usuario, password=clave)
    finally:
        del request.autorizacion_en_curso
    ip = getattr(request, "axes_ip_address", None) or ip_cliente(request)
    if getattr(request, "axes_locked_out", False):
        # Shown on the till's own screen: AxesMiddleware must not swap the page for the
        # sign-in refusal page, which is only for /entrar/ and /admin/login/.
        request.axes_locked_out = False
        log.warning("Autorización bloqueada por intentos fallidos: autoriza=%s solicita=%s ip=%s para=%s",
                    usuario, solicitante, ip, detalle)
        raise IntentosAgotados(
            f"{mensaje_de_bloqueo(minutos_de_bloqueo(usuario=usuario, ip=ip))} "
            "Mientras tanto, otro gerente puede autorizar."
        )
    if autorizador is None or not autorizador.is_active:
        log.warning("Autorización rechazada (usuario o contraseña incorrectos): autoriza=%s solicita=%s ip=%s "
                    "para=%s", usuario, solicitante, ip, detalle)
        raise AutorizacionNoValida("Usuario o contraseña de gerente incorrectos.")
    if ip:  # without an address, reset() would clear this username's failures from every till
        intentos_borrar(ip=ip, username=usuario)
    if not autorizador.has_perm(permiso):
        log.warning("Autorización rechazada (sin permiso %s): autoriza=%s solicita=%s ip=%s para=%s",
                    permiso, usuario, solicitante, ip, detalle)
        raise AutorizacionNoValida(f"{nombre_para_registro(autorizador)} no puede autorizar {que}.")
    log.info("Autorización concedida: autoriza=%s solicita=%s ip=%s para=%s", usuario, solicitante, ip, detalle)
    return autorizador
