"""Demo courses: editions in every state (some nearly full, one full, one closed) and families
whose children take seats, all through the real services.

Courses, editions, families and seat sales go through ``cursos.services``,
``clientes.services``/``clientes.alumnos`` and the till (cart, ``carrito_inscribir``,
``venta_confirmar``) in a shift of a demo cashier that is opened and closed here, so the
seats are stock movements, each seat is an ``Inscripcion`` with its Aula outbox row, and the
alumnos are queued for SII and Aula: with ``make run`` the worker sends them to the sandbox
(alumnos first, then their enrollments). Dates are relative to today, so the demo always has
editions about to start, running and finished.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from clientes.alumnos import alumno_registrar
from clientes.models import Parentesco, TipoCliente
from clientes.services import cliente_registrar
from cursos.models import Curso, EstadoEdicion, Inscripcion, Modalidad, ParcialidadPlan
from cursos.services import curso_registrar, edicion_crear, plan_guardar, plan_mensualidades
from demo.ventas import _ascii, cajeros_demo
from inventario.models import MovimientoInventario, Producto, TipoProducto
from ventas.caja.cobro import venta_confirmar
from ventas.caja.plazos import plazo_parcialidades
from ventas.caja.selectors import carrito_de_cajero
from ventas.caja.services import carrito_agregar, carrito_cliente_asignar, carrito_inscribir
from ventas.calculos import a_centavos
from ventas.models import ModalidadVenta, Turno, Venta, VentaParcialidad
from ventas.turnos.services import turno_abrir, turno_cerrar
from ventas_ingenio.router import DB_AUTH, DB_NEGOCIO

D = Decimal
FONDO = D("500.00")

# (code, name, modality, hours, list price)
CURSOS = [
    ("ROB", "Robótica con Arduino", Modalidad.PRESENCIAL, 40, D("2400.00")),
    ("ING", "Inglés conversacional", Modalidad.HIBRIDO, 60, D("3200.00")),
    ("PY", "Programación en Python", Modalidad.EN_LINEA, 30, D("1800.00")),
    ("MAT", "Regularización de matemáticas", Modalidad.PRESENCIAL, 24, D("1200.00")),
    ("AJD", "Ajedrez", Modalidad.PRESENCIAL, 20, D("900.00")),
]

# (edition code, course, days from today to start, length in days, seats, seats to sell,
#  price override, status)
EDICIONES = [
    ("ROB-P1", "ROB", 10, 60, 12, 10, None, EstadoEdicion.PROGRAMADA),       # nearly full
    ("ROB-P2", "ROB", 75, 60, 15, 3, None, EstadoEdicion.PROGRAMADA),
    ("ING-A1", "ING", -20, 80, 20, 19, None, EstadoEdicion.EN_CURSO),         # one seat left
    ("PY-01", "PY", 5, 30, 25, 8, D("1500.00"), EstadoEdicion.PROGRAMADA),    # edition price
    ("MAT-R1", "MAT", 3, 20, 8, 8, D("990.00"), EstadoEdicion.PROGRAMADA),    # full
    ("AJD-V1", "AJD", -120, 30, 16, 0, None, EstadoEdicion.CERRADA),           # finished, closed
    ("AJD-I1", "AJD", 30, 30, 16, 2, None, EstadoEdicion.PROGRAMADA),
    # Sold in installments (PLANES, below), not at once.
    ("ING-B2", "ING", -10, 120, 16, 0, D("4000.00"), EstadoEdicion.EN_CURSO),
    ("PY-02", "PY", 45, 60, 12, 0, None, EstadoEdicion.PROGRAMADA),
]

# Payment plans, "inscripción + N mensualidades" (cursos.services.plan_mensualidades):
# edition -> (enrollment fee, monthly payments, days from the sale to the first one, days the
# sales are back-dated). ING-B2's seats were sold 40 days ago: its first monthly payment fell
# due 10 days ago, so whoever paid only the enrollment fee is overdue.
PLANES = {
    "ING-B2": (D("1000.00"), 3, 30, 40),
    "PY-02": (D("600.00"), 2, 45, 0),
}
# Installment sales per edition: what each family paid at the till, in installments of the plan
# ("1": the first only, "2": the first two — up to date —, "1.5": one and a half, "todo").
VENTAS_A_PLAZOS = {
    "ING-B2": ["1", "2", "1", "2", "1.5", "1", "todo", "2", "1"],
    "PY-02": ["1", "1", "1", "2"],
}

APELLIDOS = ["Hernández Ruiz", "García López", "Martínez Soto", "Ramírez Vega", "Flores Castillo",
             "Torres Medina", "Morales Ortiz", "Reyes Aguilar", "Cruz Navarro", "Vargas Ríos",
             "Jiménez Rosas", "Mendoza Paredes", "Castro Luna", "Ortega Salas", "Gutiérrez Peña"]
MADRES = ["Laura", "Patricia", "Mónica", "Verónica", "Claudia", "Adriana", "Gabriela", "Sandra"]
PADRES = ["Jorge", "Ricardo", "Fernando", "Alejandro", "Eduardo", "Roberto", "Arturo"]
HIJOS = ["Sofía", "Mateo", "Valentina", "Santiago", "Regina", "Diego", "Ximena", "Emiliano", "Renata",
         "Leonardo", "Camila", "Sebastián", "Isabella", "Iker", "Mariana", "Daniel", "Fernanda", "Andrés"]
# Written as the year's demo alumnos write it (demo/ventas.py): the school report groups by the text.
GRADOS = [("1", "A"), ("2", "B"), ("3", "A"), ("4", "C"), ("5", "B"), ("6", "A")]


def _ciclo(hoy: datetime.date) -> str:
    inicio = hoy.year if hoy.month >= 8 else hoy.year - 1
    return f"{inicio}-{inicio + 1}"


def _cajero_sin_turno():
    """A demo cashier (no usable password) without an open shift: the seats are sold in a
    shift of theirs, opened and closed here."""
    cajeros, _ = cajeros_demo()
    abiertos = set(Turno.objects.using(DB_NEGOCIO).filter(estado="abierto").values_list("id_cajero", flat=True))
    modelo = get_user_model()
    for id_cajero, _nombre in reversed(cajeros):
        usuario = modelo.objects.using(DB_AUTH).get(pk=id_cajero)
        if id_cajero not in abiertos and not usuario.has_usable_password():
            return usuario
    return modelo.objects.using(DB_AUTH).get(pk=cajeros[-1][0])


def cursos_cargar(*, semilla: int = 2026, escribir=print) -> dict:
    """Load the demo courses once (nothing if a course exists). Returns what was written."""
    if Curso.objects.using(DB_NEGOCIO).exists():
        return {}
    azar = random.Random(semilla)  # noqa: S311 - reproducible demo data, not secrets
    hoy = timezone.localdate()
    cursos = {
        codigo: curso_registrar(codigo=codigo, nombre=nombre, modalidad=modalidad, duracion_horas=horas,
                                precio_lista=precio)
        for codigo, nombre, modalidad, horas, precio in CURSOS
    }
    ediciones = []
    for codigo, curso, desde, dias, cupo, vender, precio, estado in EDICIONES:
        inicio = hoy + datetime.timedelta(days=desde)
        # A closed edition is loaded open and closed after its sales (none here): the till
        # never sells a closed or finished one.
        edicion = edicion_crear(
            curso_id=cursos[curso].pk, codigo=codigo, fecha_inicio=inicio,
            fecha_fin=inicio + datetime.timedelta(days=dias), cupo_maximo=cupo, precio=precio, estado=estado,
        )
        ediciones.append((edicion, vender))

    planes = {edicion.producto.codigo: edicion for edicion, _ in ediciones if edicion.producto.codigo in PLANES}
    for codigo, edicion in planes.items():
        inscripcion, mensualidades, primera, _ = PLANES[codigo]
        plan = plan_mensualidades(precio=edicion.producto.precio, inscripcion=inscripcion, inscripcion_vence=hoy,
                                  mensualidades=mensualidades,
                                  primera_mensualidad=hoy + datetime.timedelta(days=primera))
        plan_guardar(edicion_id=edicion.pk, parcialidades=[(p.concepto, p.monto, p.vence) for p in plan])

    uniforme = (Producto.objects.using(DB_NEGOCIO)
                .filter(tipo=TipoProducto.ARTICULO, activo=True, nombre__icontains="uniforme", existencia__gt=20)
                .order_by("pk").first())
    cajero = _cajero_sin_turno()
    turno = turno_abrir(cajero=cajero, fondo_inicial=FONDO)
    ciclo = _ciclo(hoy)
    cobrado, ventas, inscripciones, familias = D("0"), 0, 0, 0
    por_vender = [(edicion, n) for edicion, n in ediciones]
    while any(n for _, n in por_vender):
        familias += 1
        responsable, hijos = _familia(azar, familias, ciclo)
        carrito_cliente_asignar(cajero=cajero, cliente_id=responsable.pk)
        for i, (edicion, faltan) in enumerate(por_vender):
            if not faltan:
                continue
            # Siblings often take the same course; one to all of them, as many seats as are left.
            tomados = hijos[:min(faltan, azar.choice((1, len(hijos))))]
            for hijo in tomados:
                carrito_inscribir(cajero=cajero, producto_id=edicion.pk, alumno_id=hijo.pk)
            por_vender[i] = (edicion, faltan - len(tomados))
            inscripciones += len(tomados)
            break
        if uniforme is not None and azar.random() < 0.4:
            carrito_agregar(cajero=cajero, producto_id=uniforme.pk, cantidad=1)
        vista = carrito_de_cajero(cajero=cajero)
        venta, _ = venta_confirmar(cajero=cajero, clave_cobro=vista.carrito.clave_cobro, huella=vista.huella,
                                   pagos=[], efectivo_recibido=vista.totales.total)
        cobrado += venta.total
        ventas += 1
    # A family registered with children but no course yet, and a company paying for two employees.
    empresa = cliente_registrar(nombre="Servicios Educativos del Centro", tipo=TipoCliente.EMPRESA,
                                email="capacitacion@secentro.demo")
    for nombre, apellidos in (("Rocío", "Salinas Mora"), ("Héctor", "Quiroz Bravo")):
        alumno_registrar(nombre=nombre, apellidos=apellidos, email="", responsable=empresa,
                         parentesco=Parentesco.EMPRESA)
    familias_contado = familias
    # Installments sold today (not back-dated) go in this shift too.
    a_plazos = {"ventas": 0, "vencidas": 0}
    for codigo, edicion in planes.items():
        if PLANES[codigo][3]:
            continue
        familias, pagado = _vender_a_plazos(azar, cajero, edicion, familias, ciclo, a_plazos)
        cobrado += pagado
    turno_cerrar(turno_id=turno.pk, usuario=cajero, tarjeta_reportado=D("0"), transferencia_reportado=D("0"),
                 efectivo_contado=FONDO + cobrado, nota="Inscripciones de demostración")
    # Installments sold weeks ago: a shift of their own, sold through the till now and then moved
    # back in time whole (the shift, its sales, their schedules, the edition's plan and ledger).
    for codigo, edicion in planes.items():
        atras = PLANES[codigo][3]
        if not atras:
            continue
        turno = turno_abrir(cajero=cajero, fondo_inicial=FONDO)
        familias, pagado = _vender_a_plazos(azar, cajero, edicion, familias, ciclo, a_plazos)
        turno_cerrar(turno_id=turno.pk, usuario=cajero, tarjeta_reportado=D("0"), transferencia_reportado=D("0"),
                     efectivo_contado=FONDO + pagado, nota=f"Inscripciones a plazos de {codigo}")
        _retroceder(turno_id=turno.pk, edicion_id=edicion.pk, dias=atras)
    hoy_vencidas = Venta.objects.using(DB_NEGOCIO).filter(
        modalidad=ModalidadVenta.PARCIALIDADES, saldo__gt=0, vence__lt=hoy).count()
    resumen = {"cursos": len(cursos), "ediciones": len(ediciones), "familias": familias, "ventas": ventas,
               "inscripciones": inscripciones, "a_plazos": a_plazos["ventas"], "vencidas": hoy_vencidas}
    escribir(f"Cursos de demostración: {resumen['cursos']} cursos, {resumen['ediciones']} ediciones, "
             f"{inscripciones} inscripciones de contado de {familias_contado} familias; {a_plazos['ventas']} "
             f"ventas en parcialidades ({hoy_vencidas} con una parcialidad vencida).")
    return resumen


def _familia(azar, n: int, ciclo: str, *, hijos_posibles=(2, 2, 3)):
    """A paying parent and two or three children (siblings never share a name)."""
    apellidos = APELLIDOS[(n - 1) % len(APELLIDOS)]
    madre = azar.random() < 0.7
    nombre = azar.choice(MADRES if madre else PADRES)
    correo = f"{_ascii(nombre).lower()}.{_ascii(apellidos.split()[0]).lower()}{n}@familias.demo"
    responsable = cliente_registrar(nombre=nombre, apellidos=apellidos, email=correo,
                                    telefono=f"55{azar.randint(10_000_000, 99_999_999)}")
    hijos = []
    for nombre_hijo in azar.sample(HIJOS, azar.choice(hijos_posibles)):
        grado, grupo = azar.choice(GRADOS)
        hijos.append(alumno_registrar(
            nombre=nombre_hijo, apellidos=apellidos, email=correo if azar.random() < 0.5 else "",
            matricula=f"D{n:03d}{len(hijos) + 1}", ciclo_escolar=ciclo, grado=grado, grupo=grupo,
            responsable=responsable, parentesco=Parentesco.MADRE if madre else Parentesco.PADRE,
        ))
    return responsable, hijos


def _vender_a_plazos(azar, cajero, edicion, familias: int, ciclo: str, cuenta: dict) -> tuple[int, Decimal]:
    """One seat per family of ``edicion`` sold in installments at the till (the cobro panel's
    ``plazo_parcialidades``), each family paying what ``VENTAS_A_PLAZOS`` says, in cash."""
    cobrado = D("0")
    for paga in VENTAS_A_PLAZOS[edicion.producto.codigo]:
        familias += 1
        responsable, hijos = _familia(azar, familias, ciclo, hijos_posibles=(2, 3))
        carrito_cliente_asignar(cajero=cajero, cliente_id=responsable.pk)
        carrito_inscribir(cajero=cajero, producto_id=edicion.pk, alumno_id=hijos[0].pk)
        vista = carrito_de_cajero(cajero=cajero)
        plazo = plazo_parcialidades(vista=vista)
        montos = [p.monto for p in plazo.parcialidades]
        anticipo = {"1": montos[0], "2": sum(montos[:2]), "1.5": montos[0] + a_centavos(montos[1] / 2),
                    "todo": sum(montos)}[paga]
        plazo = plazo_parcialidades(vista=vista, anticipo=anticipo)
        venta, _ = venta_confirmar(cajero=cajero, clave_cobro=vista.carrito.clave_cobro, huella=vista.huella,
                                   pagos=[], efectivo_recibido=anticipo, plazo=plazo)
        cobrado += anticipo
        cuenta["ventas"] += 1
    return familias, cobrado


def _retroceder(*, turno_id: int, edicion_id: int, dias: int) -> None:
    """The shift, its sales (date, due date, schedule, enrollments, ledger rows) and the
    edition's plan and ledger, as if all happened ``dias`` days ago: what was due after the sale
    may be overdue today, with every date in the same order as when it was written."""
    atras = datetime.timedelta(days=dias)
    with transaction.atomic(using=DB_NEGOCIO):
        ventas = list(Venta.objects.using(DB_NEGOCIO).filter(turno_id=turno_id).values_list("pk", flat=True))
        Turno.objects.using(DB_NEGOCIO).filter(pk=turno_id).update(abierto=F("abierto") - atras,
                                                                    cerrado=F("cerrado") - atras)
        Venta.objects.using(DB_NEGOCIO).filter(pk__in=ventas).update(fecha=F("fecha") - atras, vence=F("vence") - atras)
        VentaParcialidad.objects.using(DB_NEGOCIO).filter(venta_id__in=ventas).update(vence=F("vence") - atras)
        Inscripcion.objects.using(DB_NEGOCIO).filter(venta_detalle__venta_id__in=ventas).update(
            creado=F("creado") - atras)
        ParcialidadPlan.objects.using(DB_NEGOCIO).filter(edicion_id=edicion_id).update(vence=F("vence") - atras)
        MovimientoInventario.objects.using(DB_NEGOCIO).filter(producto_id=edicion_id).update(fecha=F("fecha") - atras)
