"""Writes of alumnos (who study): each service is one transaction on the business database.

Registering or editing an alumno queues it in SII and Aula in the same transaction (the
outbox in ``integraciones``); the HTTP calls happen only after commit. Clients (who pay) are
never sent anywhere.
"""

import datetime
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from clientes.curp import curp_error, curp_fecha_nacimiento
from clientes.datos_personales import email_validar, nombre_validar, telefono_limpiar, textos_validar
from clientes.escolar import CAMPOS as CAMPOS_ESCOLARES
from clientes.escolar import escolar_normalizar
from clientes.exceptions import (
    CurpDuplicada,
    CurpInvalida,
    DatosInvalidos,
    MatriculaDuplicada,
)
from clientes.models import Alumno, AlumnoResponsable, Cliente, Parentesco
from cursos.selectors import inscripciones_activas_pagadas_por
from integraciones.models import Operacion
from integraciones.services import sincronizaciones_encolar, sincronizaciones_intentar_ahora
from ventas_ingenio.router import DB_NEGOCIO

NACIMIENTO_MINIMO = datetime.date(1900, 1, 1)
CAMPOS_SINCRONIZADOS = ("nombre", "apellidos", "email", "curp", "fecha_nacimiento")
_PUBLICO_GENERAL = "«Público en general» no puede ser responsable de un alumno: elige o registra al cliente que paga."
_MAXIMOS = {"nombre": 100, "apellidos": 150, "matricula": 30, "ciclo_escolar": 20, "grado": 20, "grupo": 20}


def _limpiar(*, datos: dict, excluir_id: int | None) -> dict:
    limpios = {campo: (datos.get(campo) or "").strip() for campo in (*_MAXIMOS, "email", "telefono")}
    for campo, valor in limpios.items():
        if "\x00" in valor:
            raise DatosInvalidos("El texto tiene caracteres no permitidos.", campo=campo)
    email_validar(limpios["email"])
    nombre_validar(limpios["nombre"])
    for campo in CAMPOS_ESCOLARES:
        limpios[campo] = escolar_normalizar(campo=campo, valor=limpios[campo])
    textos_validar({campo: (limpios[campo], maximo) for campo, maximo in _MAXIMOS.items()})
    limpios["telefono"] = telefono_limpiar(limpios["telefono"])
    curp = (datos.get("curp") or "").strip().upper() or None
    fecha_nacimiento = datos.get("fecha_nacimiento")
    if curp:
        error = curp_error(curp)
        if error:
            raise CurpInvalida(error)
        otros = Alumno.objects.using(DB_NEGOCIO).filter(curp=curp)
        if excluir_id is not None:
            otros = otros.exclude(pk=excluir_id)
        if otros.exists():
            raise CurpDuplicada("Ya hay un alumno con esa CURP.")
        fecha_nacimiento = fecha_nacimiento or curp_fecha_nacimiento(curp)
    if fecha_nacimiento is not None:
        if fecha_nacimiento > timezone.localdate():
            raise DatosInvalidos("La fecha de nacimiento no puede ser futura.", campo="fecha_nacimiento")
        if fecha_nacimiento < NACIMIENTO_MINIMO:
            raise DatosInvalidos("La fecha de nacimiento debe ser del 1 de enero de 1900 en adelante.",
                                 campo="fecha_nacimiento")
    if limpios["matricula"]:
        otros = Alumno.objects.using(DB_NEGOCIO).filter(matricula=limpios["matricula"])
        if excluir_id is not None:
            otros = otros.exclude(pk=excluir_id)
        if otros.exists():
            raise MatriculaDuplicada("Ya hay un alumno con esa matrícula.")
    return {**limpios, "curp": curp, "fecha_nacimiento": fecha_nacimiento}


def _error_de_integridad(error: IntegrityError) -> Exception:
    texto = str(error)
    if "curp" in texto:
        return CurpDuplicada("Ya hay un alumno con esa CURP.")
    if "matricula" in texto:
        return MatriculaDuplicada("Ya hay un alumno con esa matrícula.")
    return DatosInvalidos("Los datos no cumplen las reglas de alumnos.")


def alumno_registrar(
    *, nombre: str, apellidos: str = "", curp: str | None = None, fecha_nacimiento: datetime.date | None = None,
    email: str = "", telefono: str = "", matricula: str = "", ciclo_escolar: str = "", grado: str = "",
    grupo: str = "", responsable: Cliente | None = None, parentesco: str = Parentesco.TUTOR,
) -> Alumno:
    """Register an alumno (optionally paid for by ``responsable``) and queue it in SII and Aula.

    Validates everything first (CurpInvalida, CurpDuplicada, MatriculaDuplicada, DatosInvalidos;
    nothing is written then). "Público en general" cannot be responsible for an alumno.
    """
    if responsable is not None and responsable.es_publico_general:
        raise DatosInvalidos(_PUBLICO_GENERAL, campo="cliente")
    if responsable is not None and not responsable.activo:
        raise DatosInvalidos("El cliente que paga está inactivo: actívalo antes de registrarle alumnos.", campo="cliente")
    if parentesco not in Parentesco.values:
        raise DatosInvalidos("Elige el parentesco de la lista.", campo="parentesco")
    datos = _limpiar(datos={
        "nombre": nombre, "apellidos": apellidos, "curp": curp, "fecha_nacimiento": fecha_nacimiento, "email": email,
        "telefono": telefono, "matricula": matricula, "ciclo_escolar": ciclo_escolar, "grado": grado, "grupo": grupo,
    }, excluir_id=None)
    try:
        with transaction.atomic(using=DB_NEGOCIO):
            alumno = Alumno.objects.using(DB_NEGOCIO).create(**datos)
            if responsable is not None:
                AlumnoResponsable.objects.using(DB_NEGOCIO).create(
                    alumno=alumno, cliente=responsable, parentesco=parentesco
                )
            sincronizaciones_encolar(alumno=alumno, operacion=Operacion.CREAR)
            transaction.on_commit(partial(sincronizaciones_intentar_ahora, alumno_id=alumno.pk), using=DB_NEGOCIO)
    except IntegrityError as error:
        raise _error_de_integridad(error) from error
    return alumno


def alumno_actualizar(
    *, alumno: Alumno, nombre: str, apellidos: str = "", curp: str | None = None,
    fecha_nacimiento: datetime.date | None = None, email: str = "", telefono: str = "", matricula: str = "",
    ciclo_escolar: str = "", grado: str = "", grupo: str = "",
) -> Alumno:
    """Save an alumno's data. A change of name, surnames, email, CURP or birth date is queued for
    SII and Aula in the same transaction (an update with a new Idempotency-Key where the system
    already has the alumno), then tried once after commit."""
    datos = _limpiar(datos={
        "nombre": nombre, "apellidos": apellidos, "curp": curp, "fecha_nacimiento": fecha_nacimiento, "email": email,
        "telefono": telefono, "matricula": matricula, "ciclo_escolar": ciclo_escolar, "grado": grado, "grupo": grupo,
    }, excluir_id=alumno.pk)
    cambio_sincronizado = any(getattr(alumno, campo) != datos[campo] for campo in CAMPOS_SINCRONIZADOS)
    try:
        with transaction.atomic(using=DB_NEGOCIO):
            Alumno.objects.using(DB_NEGOCIO).select_for_update().get(pk=alumno.pk)
            for campo, valor in datos.items():
                setattr(alumno, campo, valor)
            alumno.save(using=DB_NEGOCIO)
            if cambio_sincronizado:
                sincronizaciones_encolar(alumno=alumno, operacion=Operacion.ACTUALIZAR)
                transaction.on_commit(partial(sincronizaciones_intentar_ahora, alumno_id=alumno.pk), using=DB_NEGOCIO)
    except IntegrityError as error:
        alumno.refresh_from_db(using=DB_NEGOCIO)
        raise _error_de_integridad(error) from error
    return alumno


def alumno_desactivar(*, alumno: Alumno) -> Alumno:
    """Mark an alumno as no longer studying (kept with its links, enrollments and SII/Aula ids)."""
    with transaction.atomic(using=DB_NEGOCIO):
        Alumno.objects.using(DB_NEGOCIO).filter(pk=alumno.pk).update(activo=False, actualizado=timezone.now())
    alumno.activo = False
    return alumno


def alumno_reactivar(*, alumno: Alumno) -> Alumno:
    with transaction.atomic(using=DB_NEGOCIO):
        Alumno.objects.using(DB_NEGOCIO).filter(pk=alumno.pk).update(activo=True, actualizado=timezone.now())
    alumno.activo = True
    return alumno


def alumno_confirmar(*, alumno: Alumno) -> Alumno:
    """Staff confirm that an alumno created by the migration (``por_confirmar``) does study."""
    with transaction.atomic(using=DB_NEGOCIO):
        Alumno.objects.using(DB_NEGOCIO).filter(pk=alumno.pk).update(por_confirmar=False, actualizado=timezone.now())
    alumno.por_confirmar = False
    return alumno


def responsable_vincular(*, alumno: Alumno, cliente: Cliente, parentesco: str) -> AlumnoResponsable:
    """``cliente`` pays for ``alumno`` too (an alumno may have several responsables). Linking
    the same pair again changes the parentesco. Refuses "Público en general" and inactive clients."""
    if cliente.es_publico_general:
        raise DatosInvalidos(_PUBLICO_GENERAL, campo="cliente")
    if not cliente.activo:
        raise DatosInvalidos("El cliente está inactivo: actívalo antes de vincularlo.", campo="cliente")
    if parentesco not in Parentesco.values:
        raise DatosInvalidos("Elige el parentesco de la lista.", campo="parentesco")
    try:
        with transaction.atomic(using=DB_NEGOCIO):
            vinculo, _ = AlumnoResponsable.objects.using(DB_NEGOCIO).update_or_create(
                alumno=alumno, cliente=cliente, defaults={"parentesco": parentesco}
            )
    except IntegrityError:
        # Another request linked the same pair between our read and our insert: update it.
        with transaction.atomic(using=DB_NEGOCIO):
            vinculo = AlumnoResponsable.objects.using(DB_NEGOCIO).select_for_update().get(alumno=alumno, cliente=cliente)
            vinculo.parentesco = parentesco
            vinculo.save(using=DB_NEGOCIO, update_fields=["parentesco"])
    return vinculo


def responsable_desvincular(*, alumno: Alumno, cliente: Cliente) -> None:
    """``cliente`` no longer pays for ``alumno`` (past sales keep their client).

    Refused (DatosInvalidos) while the alumno has an active enrollment that ``cliente`` paid:
    the alumno's page would say nobody pays for a course being studied. Return or cancel that
    seat first."""
    with transaction.atomic(using=DB_NEGOCIO):
        pagadas = inscripciones_activas_pagadas_por(alumno_id=alumno.pk, cliente_id=cliente.pk)
        if pagadas:
            cursos = ", ".join(dict.fromkeys(i.edicion.curso.nombre for i in pagadas))
            raise DatosInvalidos(
                f"No se puede quitar a {cliente.nombre_completo}: pagó la inscripción activa de "
                f"{alumno.nombre_completo} en {cursos}. Devuelve o cancela esa inscripción primero.",
                campo="cliente",
            )
        borrados, _ = AlumnoResponsable.objects.using(DB_NEGOCIO).filter(alumno=alumno, cliente=cliente).delete()
    if not borrados:
        raise DatosInvalidos("Ese cliente no es responsable de este alumno.", campo="cliente")
