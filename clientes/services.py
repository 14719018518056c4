"""Writes of clients. Each service is one transaction on the business database.

Registering or editing a client also queues its alumno in SII and Aula in the same
transaction (the outbox in ``integraciones``); the HTTP calls happen only after commit.
"""

import datetime
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from clientes.curp import curp_error, curp_fecha_nacimiento
from clientes.exceptions import (
    ClienteConVentas,
    ClienteProtegido,
    CurpDuplicada,
    CurpInvalida,
    DatosInvalidos,
    EmailDuplicado,
)
from clientes.models import Alumno, AlumnoResponsable, Cliente, Parentesco
from clientes.selectors import cliente_tiene_ventas, curp_en_uso, email_en_uso
from integraciones.models import Operacion
from integraciones.services import sincronizaciones_encolar, sincronizaciones_intentar_ahora
from ventas_ingenio.router import DB_NEGOCIO

NACIMIENTO_MINIMO = datetime.date(1900, 1, 1)
CAMPOS_SINCRONIZADOS = ("nombre", "apellidos", "email", "curp", "fecha_nacimiento")


def telefono_normalizar(telefono: str) -> str:
    """Only the ASCII digits of a phone number ("55 1234-5678" -> "5512345678")."""
    return "".join(c for c in telefono if "0" <= c <= "9")


def _limpiar(
    *, nombre: str, apellidos: str, email: str, telefono: str, direccion: str, curp: str | None,
    fecha_nacimiento: datetime.date | None, excluir_id: int | None,
) -> dict:
    nombre, apellidos, direccion = nombre.strip(), apellidos.strip(), direccion.strip()
    email = email.strip()
    if not nombre:
        raise DatosInvalidos("El nombre es obligatorio.", campo="nombre")
    if not any(caracter.isalpha() for caracter in nombre):
        raise DatosInvalidos("El nombre debe tener al menos una letra.", campo="nombre")
    for campo, valor, maximo in (("nombre", nombre, 100), ("apellidos", apellidos, 150), ("direccion", direccion, 255)):
        if len(valor) > maximo:
            raise DatosInvalidos(f"Máximo {maximo} caracteres.", campo=campo)
        if campo != "direccion" and ("<" in valor or ">" in valor):
            raise DatosInvalidos("No se permiten los caracteres < ni >.", campo=campo)
    if not email:
        raise DatosInvalidos("El correo electrónico es obligatorio.", campo="email")
    if email_en_uso(email=email, excluir_id=excluir_id):
        raise EmailDuplicado("Ya hay un cliente activo con ese correo electrónico.")
    curp = (curp or "").strip().upper() or None
    if curp:
        error = curp_error(curp)
        if error:
            raise CurpInvalida(error)
        if curp_en_uso(curp=curp, excluir_id=excluir_id):
            raise CurpDuplicada("Ya hay un cliente con esa CURP.")
        fecha_nacimiento = fecha_nacimiento or curp_fecha_nacimiento(curp)
    escrito, telefono = telefono.strip(), telefono_normalizar(telefono)
    if len(telefono) > 15:
        raise DatosInvalidos("El teléfono tiene demasiados dígitos (máximo 15).", campo="telefono")
    if escrito and len(telefono) < 7:
        raise DatosInvalidos("El teléfono debe tener entre 7 y 15 dígitos.", campo="telefono")
    if fecha_nacimiento is not None:
        if fecha_nacimiento > timezone.localdate():
            raise DatosInvalidos("La fecha de nacimiento no puede ser futura.", campo="fecha_nacimiento")
        if fecha_nacimiento < NACIMIENTO_MINIMO:
            raise DatosInvalidos("La fecha de nacimiento debe ser del 1 de enero de 1900 en adelante.",
                                 campo="fecha_nacimiento")
    return {
        "nombre": nombre, "apellidos": apellidos, "email": email, "telefono": telefono,
        "direccion": direccion, "curp": curp, "fecha_nacimiento": fecha_nacimiento,
    }


def _error_de_integridad(error: IntegrityError) -> Exception:
    """A race lost against another registration: the constraint names which field."""
    texto = str(error)
    if "curp" in texto:
        return CurpDuplicada("Ya hay un cliente con esa CURP.")
    if "email" in texto:
        return EmailDuplicado("Ya hay un cliente activo con ese correo electrónico.")
    return DatosInvalidos("Los datos no cumplen las reglas de clientes.")


def cliente_registrar(
    *, nombre: str, apellidos: str = "", email: str, telefono: str = "", direccion: str = "",
    curp: str | None = None, fecha_nacimiento: datetime.date | None = None,
) -> Cliente:
    """Register a client and queue it as an alumno in SII and Aula, in one transaction.

    Validates everything first (raises CurpInvalida, CurpDuplicada, EmailDuplicado,
    DatosInvalidos; nothing is written then). After commit, one immediate attempt per
    system (bounded in total); whatever does not finish stays queued for the worker.
    """
    datos = _limpiar(
        nombre=nombre, apellidos=apellidos, email=email, telefono=telefono, direccion=direccion,
        curp=curp, fecha_nacimiento=fecha_nacimiento, excluir_id=None,
    )
    try:
        with transaction.atomic(using=DB_NEGOCIO):
            cliente = Cliente.objects.using(DB_NEGOCIO).create(**datos)
            if datos["curp"]:
                # TRANSITIONAL (issue 14): a client with a CURP studies and pays for themself.
                alumno = Alumno.objects.using(DB_NEGOCIO).create(
                    nombre=datos["nombre"], apellidos=datos["apellidos"], email=datos["email"],
                    telefono=datos["telefono"], curp=datos["curp"], fecha_nacimiento=datos["fecha_nacimiento"],
                )
                AlumnoResponsable.objects.using(DB_NEGOCIO).create(
                    alumno=alumno, cliente=cliente, parentesco=Parentesco.PROPIO
                )
                sincronizaciones_encolar(alumno=alumno, operacion=Operacion.CREAR)
                transaction.on_commit(partial(sincronizaciones_intentar_ahora, alumno_id=alumno.pk), using=DB_NEGOCIO)
    except IntegrityError as error:
        raise _error_de_integridad(error) from error
    return cliente


def cliente_actualizar(
    *, cliente: Cliente, nombre: str, apellidos: str = "", email: str, telefono: str = "", direccion: str = "",
    curp: str | None = None, fecha_nacimiento: datetime.date | None = None,
) -> Cliente:
    """Save a client's data; a change of name, email, CURP or birth date is pushed to SII/Aula."""
    if cliente.es_publico_general:
        raise ClienteProtegido("El cliente «Público en general» no se modifica.")
    datos = _limpiar(
        nombre=nombre, apellidos=apellidos, email=email, telefono=telefono, direccion=direccion,
        curp=curp, fecha_nacimiento=fecha_nacimiento, excluir_id=cliente.pk,
    )
    cambio_sincronizado = any(getattr(cliente, campo) != datos[campo] for campo in CAMPOS_SINCRONIZADOS)
    try:
        with transaction.atomic(using=DB_NEGOCIO):
            for campo, valor in datos.items():
                setattr(cliente, campo, valor)
            cliente.save(using=DB_NEGOCIO)
            if cambio_sincronizado:
                pass  # TRANSITIONAL (issue 14): alumnos are edited on their own page
    except IntegrityError as error:
        cliente.refresh_from_db(using=DB_NEGOCIO)
        raise _error_de_integridad(error) from error
    return cliente


def cliente_desactivar(*, cliente: Cliente) -> Cliente:
    """Deactivate a client (kept for its sales' history; its email becomes free again)."""
    if cliente.es_publico_general:
        raise ClienteProtegido("El cliente «Público en general» no se puede desactivar.")
    with transaction.atomic(using=DB_NEGOCIO):
        Cliente.objects.using(DB_NEGOCIO).filter(pk=cliente.pk).update(activo=False)
    cliente.activo = False
    return cliente


def cliente_reactivar(*, cliente: Cliente) -> Cliente:
    """Activate a client again (refused if another active client took its email)."""
    if email_en_uso(email=cliente.email, excluir_id=cliente.pk):
        raise EmailDuplicado("Ya hay otro cliente activo con ese correo electrónico.")
    try:
        with transaction.atomic(using=DB_NEGOCIO):
            Cliente.objects.using(DB_NEGOCIO).filter(pk=cliente.pk).update(activo=True)
    except IntegrityError as error:
        raise _error_de_integridad(error) from error
    cliente.activo = True
    return cliente


def cliente_eliminar(*, cliente: Cliente) -> None:
    """Delete a client without sales (raises ClienteConVentas; then deactivate instead)."""
    if cliente.es_publico_general:
        raise ClienteProtegido("El cliente «Público en general» no se puede eliminar.")
    with transaction.atomic(using=DB_NEGOCIO):
        bloqueado = Cliente.objects.using(DB_NEGOCIO).select_for_update().get(pk=cliente.pk)
        if cliente_tiene_ventas(cliente=bloqueado):
            raise ClienteConVentas("El cliente tiene ventas: solo se puede desactivar.")
        bloqueado.delete(using=DB_NEGOCIO)
