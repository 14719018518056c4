"""Writes of clients (who pay: a person or a company). Each service is one transaction on the
business database. A client is never sent to SII or Aula: only alumnos are (``clientes.alumnos``).
"""

from django.db import IntegrityError, transaction

from clientes.datos_personales import email_validar, nombre_validar, telefono_limpiar, textos_validar
from clientes.exceptions import (
    ClienteConVentas,
    ClienteProtegido,
    DatosInvalidos,
    EmailDuplicado,
    RfcInvalido,
)
from clientes.models import Cliente, TipoCliente
from clientes.rfc import rfc_error, rfc_normalizar
from clientes.selectors import cliente_tiene_ventas, email_en_uso
from ventas_ingenio.router import DB_NEGOCIO


def _limpiar(
    *, tipo: str, nombre: str, apellidos: str, email: str, telefono: str, direccion: str, rfc: str,
    excluir_id: int | None,
) -> dict:
    if tipo not in TipoCliente.values:
        raise DatosInvalidos("Elige si el cliente es una persona o una empresa.", campo="tipo")
    nombre, apellidos, direccion = nombre.strip(), apellidos.strip(), direccion.strip()
    email = email.strip()
    nombre_validar(nombre)
    textos_validar({"nombre": (nombre, 100), "apellidos": (apellidos, 150), "direccion": (direccion, 255)},
                   con_marcas=("direccion",))
    email_validar(email)
    if email and email_en_uso(email=email, excluir_id=excluir_id):
        raise EmailDuplicado("Ya hay un cliente activo con ese correo electrónico.")
    telefono = telefono_limpiar(telefono)
    rfc = rfc_normalizar(rfc)
    if rfc:
        error = rfc_error(rfc, tipo=tipo)
        if error:
            raise RfcInvalido(error)
    return {
        "tipo": tipo, "nombre": nombre, "apellidos": apellidos, "email": email, "telefono": telefono,
        "direccion": direccion, "rfc": rfc,
    }


def _error_de_integridad(error: IntegrityError) -> Exception:
    """A race lost against another registration: the constraint names which field."""
    texto = str(error)
    if "email" in texto:
        return EmailDuplicado("Ya hay un cliente activo con ese correo electrónico.")
    if "rfc" in texto:
        return RfcInvalido("El RFC no tiene el formato del SAT.")
    return DatosInvalidos("Los datos no cumplen las reglas de clientes.")


def cliente_registrar(
    *, nombre: str, tipo: str = TipoCliente.PERSONA, apellidos: str = "", email: str = "", telefono: str = "",
    direccion: str = "", rfc: str = "",
) -> Cliente:
    """Register a client (who pays). Email and RFC are optional; an email is unique among
    active clients, an RFC must be valid for the client's kind (13 characters a person, 12 a
    company, right check digit). Raises EmailDuplicado, RfcInvalido, DatosInvalidos; nothing
    is written then. Nothing is sent to SII or Aula."""
    datos = _limpiar(
        tipo=tipo, nombre=nombre, apellidos=apellidos, email=email, telefono=telefono, direccion=direccion,
        rfc=rfc, excluir_id=None,
    )
    try:
        with transaction.atomic(using=DB_NEGOCIO):
            cliente = Cliente.objects.using(DB_NEGOCIO).create(**datos)
    except IntegrityError as error:
        raise _error_de_integridad(error) from error
    return cliente


def cliente_actualizar(
    *, cliente: Cliente, nombre: str, tipo: str = TipoCliente.PERSONA, apellidos: str = "", email: str = "",
    telefono: str = "", direccion: str = "", rfc: str = "",
) -> Cliente:
    """Save a client's data (same rules as registering). Nothing goes to SII or Aula."""
    if cliente.es_publico_general:
        raise ClienteProtegido("El cliente «Público en general» no se modifica.")
    datos = _limpiar(
        tipo=tipo, nombre=nombre, apellidos=apellidos, email=email, telefono=telefono, direccion=direccion,
        rfc=rfc, excluir_id=cliente.pk,
    )
    try:
        with transaction.atomic(using=DB_NEGOCIO):
            for campo, valor in datos.items():
                setattr(cliente, campo, valor)
            cliente.save(using=DB_NEGOCIO)
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
    if cliente.email and email_en_uso(email=cliente.email, excluir_id=cliente.pk):
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
