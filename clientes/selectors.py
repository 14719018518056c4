"""Reads of clients and alumnos: search, uniqueness questions for the forms, the walk-in client."""

import unicodedata

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Lower

from clientes.escolar import escolar_normalizar
from clientes.exceptions import DatosInvalidos
from clientes.models import Alumno, AlumnoResponsable, Cliente
from ventas_ingenio.router import DB_NEGOCIO


def clientes_buscar(*, texto: str = "", incluir_inactivos: bool = False) -> QuerySet[Cliente]:
    """Clients whose name, surname, email, RFC or phone contain every word of ``texto`` (case-insensitive)."""
    clientes = Cliente.objects.using(DB_NEGOCIO).all()
    if not incluir_inactivos:
        clientes = clientes.filter(activo=True)
    for palabra in texto.split():
        digitos = "".join(c for c in palabra if "0" <= c <= "9")
        filtro = (
            Q(nombre__icontains=palabra)
            | Q(apellidos__icontains=palabra)
            | Q(email__icontains=palabra)
            | Q(rfc__icontains=palabra)
        )
        if digitos:
            filtro |= Q(telefono__contains=digitos)
        clientes = clientes.filter(filtro)
    return clientes.order_by("-es_publico_general", "nombre", "apellidos", "id_cliente")


def cliente_obtener(*, id_cliente: int) -> Cliente:
    """The client (raises Cliente.DoesNotExist)."""
    return Cliente.objects.using(DB_NEGOCIO).get(pk=id_cliente)


def cliente_publico_general() -> Cliente:
    """The walk-in client for sales without a named client (created by a data migration)."""
    return Cliente.objects.using(DB_NEGOCIO).get(es_publico_general=True)


def email_en_uso(*, email: str, excluir_id: int | None = None) -> bool:
    """Whether an active client already has this email (case-insensitive)."""
    clientes = Cliente.objects.using(DB_NEGOCIO).filter(activo=True, email__iexact=email.strip())
    if excluir_id is not None:
        clientes = clientes.exclude(pk=excluir_id)
    return clientes.exists()


def cliente_tiene_ventas(*, cliente: Cliente) -> bool:
    """Whether a sale (or any other row that protects it: a cart, later a payment) names the
    client; then it may only be deactivated. Read through the model's reverse relations, so
    this app does not import the apps that point at it."""
    for relacion in Cliente._meta.related_objects:
        if relacion.on_delete is not models.PROTECT:
            continue
        filas = relacion.related_model._default_manager.using(DB_NEGOCIO)
        if filas.filter(**{relacion.field.name: cliente.pk}).exists():
            return True
    return False


# --- alumnos ----------------------------------------------------------------------------------------
def alumno_obtener(*, alumno_id: int) -> Alumno:
    """The alumno (raises Alumno.DoesNotExist)."""
    return Alumno.objects.using(DB_NEGOCIO).get(pk=alumno_id)


def curp_en_uso(*, curp: str, excluir_id: int | None = None) -> bool:
    """Whether any alumno (active or not) already has this CURP."""
    alumnos = Alumno.objects.using(DB_NEGOCIO).filter(curp=curp.strip().upper())
    if excluir_id is not None:
        alumnos = alumnos.exclude(pk=excluir_id)
    return alumnos.exists()


def matricula_en_uso(*, matricula: str, excluir_id: int | None = None) -> bool:
    alumnos = Alumno.objects.using(DB_NEGOCIO).filter(matricula=matricula.strip())
    if excluir_id is not None:
        alumnos = alumnos.exclude(pk=excluir_id)
    return alumnos.exists()


class _SinAcentos(models.Func):
    """``inmutable_unaccent`` (created by inventario's migration 0002 for the product search)."""

    function = "inmutable_unaccent"
    output_field = models.TextField()


def _sin_acentos(texto: str) -> str:
    descompuesto = unicodedata.normalize("NFKD", texto.lower())
    return "".join(c for c in descompuesto if not unicodedata.combining(c))


def _alumnos_con_texto(alumnos: QuerySet[Alumno], texto: str) -> QuerySet[Alumno]:
    """Every word in the name or surnames (ignoring accents and case: "rios" finds Ríos), or
    in the CURP, matrícula or email."""
    palabras = texto.replace("\x00", " ").split()
    if palabras:
        alumnos = alumnos.alias(nombre_sa=_SinAcentos(Lower("nombre")), apellidos_sa=_SinAcentos(Lower("apellidos")))
    for palabra in palabras:
        normal = _sin_acentos(palabra)
        alumnos = alumnos.filter(
            Q(nombre_sa__contains=normal) | Q(apellidos_sa__contains=normal) | Q(curp__icontains=palabra)
            | Q(matricula__icontains=palabra) | Q(email__icontains=palabra)
        )
    return alumnos


def alumnos_filtrar(
    *, texto: str = "", ciclo_escolar: str = "", grado: str = "", grupo: str = "",
    por_confirmar: bool = False, incluir_inactivos: bool = False,
) -> QuerySet[Alumno]:
    """The alumno list: every word of ``texto`` in name, surnames, CURP, matrícula or email;
    exact ciclo escolar / grado / grupo; only those to confirm; inactive ones too."""
    alumnos = _alumnos_con_texto(Alumno.objects.using(DB_NEGOCIO).all(), texto)
    if not incluir_inactivos:
        alumnos = alumnos.filter(activo=True)
    if por_confirmar:
        alumnos = alumnos.filter(por_confirmar=True)
    for campo, valor in (("ciclo_escolar", ciclo_escolar), ("grado", grado), ("grupo", grupo)):
        if valor:
            try:  # spelled as the alumnos are saved: «1°» finds grado «1», «b» grupo «B»
                valor = escolar_normalizar(campo=campo, valor=valor)
            except DatosInvalidos:
                pass  # a digit no alumno can have: the filter finds nobody
            alumnos = alumnos.filter(**{campo: valor})
    return alumnos.annotate(num_responsables=Count("vinculos")).order_by("apellidos", "nombre", "id")


def alumnos_buscar(*, texto: str, responsable_id: int | None = None, limite: int = 10) -> list[Alumno]:
    """Active alumnos matching every word of ``texto`` (name, CURP, matrícula, email), the ones
    ``responsable_id`` pays for first (the till: the mother's children before anyone else's).
    With an empty ``texto`` and a responsable: that responsable's alumnos."""
    alumnos = Alumno.objects.using(DB_NEGOCIO).filter(activo=True)
    if not texto.replace("\x00", " ").split():
        if responsable_id is None:
            return []
        alumnos = alumnos.filter(vinculos__cliente_id=responsable_id)
    alumnos = _alumnos_con_texto(alumnos, texto)
    # ``de_la_familia``: the till's picker says "de <quien paga>" next to them.
    de_la_familia = Exists(
        AlumnoResponsable.objects.using(DB_NEGOCIO).filter(alumno=OuterRef("pk"), cliente_id=responsable_id)
    ) if responsable_id is not None else Value(False)
    alumnos = alumnos.annotate(de_la_familia=de_la_familia)
    return list(alumnos.order_by("-de_la_familia", "apellidos", "nombre", "id")[:limite])


def responsables_de_alumno(*, alumno_id: int) -> list[AlumnoResponsable]:
    """Who pays for the alumno, in the order they were linked."""
    return list(AlumnoResponsable.objects.using(DB_NEGOCIO).filter(alumno_id=alumno_id)
                .select_related("cliente").order_by("id"))


def alumnos_de_cliente(*, cliente_id: int) -> list[AlumnoResponsable]:
    """The alumnos a client pays for (active first), with the link's parentesco."""
    return list(AlumnoResponsable.objects.using(DB_NEGOCIO).filter(cliente_id=cliente_id)
                .select_related("alumno").order_by("-alumno__activo", "alumno__apellidos", "alumno__nombre", "id"))


def alumnos_valores(*, campo: str) -> list[str]:
    """The values in use of ``ciclo_escolar``, ``grado`` or ``grupo`` (the list's filters)."""
    if campo not in ("ciclo_escolar", "grado", "grupo"):
        raise ValueError(campo)
    return list(Alumno.objects.using(DB_NEGOCIO).exclude(**{campo: ""}).order_by(campo)
                .values_list(campo, flat=True).distinct())
