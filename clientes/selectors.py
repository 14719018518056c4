"""Reads of clients: search, uniqueness questions for the forms, the walk-in client."""

from django.db import models
from django.db.models import Q, QuerySet

from clientes.models import Cliente
from ventas_ingenio.router import DB_NEGOCIO


def clientes_buscar(*, texto: str = "", incluir_inactivos: bool = False) -> QuerySet[Cliente]:
    """Clients whose name, surname, email, CURP or phone contain ``texto`` (case-insensitive)."""
    clientes = Cliente.objects.using(DB_NEGOCIO).all()
    if not incluir_inactivos:
        clientes = clientes.filter(activo=True)
    for palabra in texto.split():
        digitos = "".join(c for c in palabra if "0" <= c <= "9")
        filtro = (
            Q(nombre__icontains=palabra)
            | Q(apellidos__icontains=palabra)
            | Q(email__icontains=palabra)
            | Q(curp__icontains=palabra)
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


def curp_en_uso(*, curp: str, excluir_id: int | None = None) -> bool:
    """Whether any client (active or not) already has this CURP."""
    clientes = Cliente.objects.using(DB_NEGOCIO).filter(curp=curp.strip().upper())
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


def alumno_propio(*, cliente_id: int):
    """The alumno who is this client (pays for themself), if any."""
    from clientes.models import Alumno, Parentesco

    return (Alumno.objects.using(DB_NEGOCIO)
            .filter(vinculos__cliente_id=cliente_id, vinculos__parentesco=Parentesco.PROPIO).first())


def alumnos_buscar(*, texto: str, responsable_id: int | None = None, limite: int = 10) -> list:
    """Active alumnos whose name, surnames, CURP or matrícula contain every typed word (any
    case), at most ``limite``; those paid for by ``responsable_id`` first. Without text, only
    that responsible's alumnos (the till's picker lists a family's children before any search)."""
    from clientes.models import Alumno, AlumnoResponsable

    alumnos = Alumno.objects.using(DB_NEGOCIO).filter(activo=True)
    palabras = (texto or "").split()
    if not palabras and responsable_id is None:
        return []
    for palabra in palabras:
        alumnos = alumnos.filter(
            Q(nombre__icontains=palabra) | Q(apellidos__icontains=palabra) | Q(curp__icontains=palabra)
            | Q(matricula__icontains=palabra)
        )
    de_la_familia = models.Exists(
        AlumnoResponsable.objects.using(DB_NEGOCIO).filter(alumno=models.OuterRef("pk"), cliente_id=responsable_id)
    ) if responsable_id is not None else models.Value(False)
    alumnos = alumnos.annotate(de_la_familia=de_la_familia)
    if not palabras:
        alumnos = alumnos.filter(de_la_familia=True)
    return list(alumnos.order_by("-de_la_familia", "apellidos", "nombre", "id")[:limite])
