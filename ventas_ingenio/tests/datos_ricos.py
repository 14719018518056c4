"""Rich data for the page walk and the fuzz test, written through the real services: a year
of demo sales (with returns, cancellations and closed shifts), today's sales of the test
cashier in an open shift (one partly returned, one cancelled), a cart with lines, a cart on
hold, a mother paying for alumnos in every SII/Aula sync state, a company paying for an employee,
and a product with many stock movements."""

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.core.management import call_command
from django.utils import timezone

from clientes import alumnos as alumnos_services
from clientes import services as clientes_services
from clientes.models import Alumno, Cliente
from clientes.tests.factories import curp_valida, rfc_valido
from cursos.models import Edicion
from cursos.services import curso_registrar, edicion_crear
from integraciones.models import EstadoSincronizacion, SincronizacionAlumno
from inventario.models import Categoria, MovimientoInventario, Producto
from inventario.services import existencia_ajustar, existencia_registrar_entrada
from ventas.caja.cobro import venta_confirmar
from ventas.caja.selectors import carrito_de_cajero
from ventas.caja.services import (
    carrito_agregar,
    carrito_cliente_asignar,
    carrito_inscribir,
    carrito_poner_en_espera,
)
from ventas.devoluciones.services import LineaDevolucionDatos, venta_cancelar, venta_devolver
from ventas.models import Carrito, Devolucion, Turno, Venta
from ventas.turnos.selectors import turno_abierto
from ventas.turnos.services import turno_abrir
from ventas_ingenio.router import DB_NEGOCIO


@dataclass
class DatosRicos:
    venta: Venta  # the test cashier's, partly returned
    venta_cancelada: Venta
    venta_ajena: Venta  # another cashier's (demo data)
    devolucion: Devolucion
    turno_abierto: Turno
    turno_cerrado: Turno  # another cashier's closed shift (demo data)
    linea_id: int  # a line of the cashier's active cart
    carrito_en_espera: Carrito
    producto: Producto  # many movements
    cliente: Cliente  # a mother who pays for the alumnos below
    alumno: Alumno  # her child whose SII/Aula registration ended in error
    alumnos_por_estado: dict[str, Alumno]
    empresa: Cliente  # a company paying for an employee
    edicion: Edicion | None = None  # an edition of a course with one seat sold


def _nulo():
    return open("/dev/null", "w")  # noqa: SIM115 - closed with the process


def _vender(cajero, productos, *, cliente_id=None, efectivo="100000") -> Venta:
    for producto in productos:
        carrito_agregar(cajero=cajero, producto_id=producto.pk)
    if cliente_id:
        carrito_cliente_asignar(cajero=cajero, cliente_id=cliente_id)
    vista = carrito_de_cajero(cajero=cajero)
    venta, _ = venta_confirmar(
        cajero=cajero, clave_cobro=vista.carrito.clave_cobro, huella=vista.huella, pagos=[],
        efectivo_recibido=Decimal(efectivo),
    )
    return venta


def _alumno(nombre, email, *, estado: str | None, responsable: Cliente, **campos) -> Alumno:
    alumno = alumnos_services.alumno_registrar(nombre=nombre, apellidos="Prueba", email=email,
                                               responsable=responsable, parentesco="madre", **campos)
    if estado is not None:
        # The outbox rows as the worker leaves them in each state.
        filas = SincronizacionAlumno.objects.using(DB_NEGOCIO).filter(alumno=alumno)
        if estado == EstadoSincronizacion.SINCRONIZADO:
            filas.update(estado=estado, id_externo="ext-1", sincronizado_en=timezone.now(), intentos=1)
        elif estado == EstadoSincronizacion.ERROR:
            filas.update(estado=estado, intentos=10, ultimo_error="HTTP 400: datos rechazados")
        else:
            filas.update(estado=estado, intentos=3, ultimo_error="Tiempo de espera agotado")
    return alumno


def datos_ricos_cargar(*, cajero, gerente) -> DatosRicos:
    """Everything above, in the test databases. Takes a few seconds."""
    call_command("cargar_demo", stdout=_nulo())
    call_command("cargar_demo", "--ventas", "300", stdout=_nulo())

    productos = list(Producto.objects.using(DB_NEGOCIO).filter(activo=True, existencia__gte=50).order_by("pk")[:4])
    producto = productos[0]
    for numero in range(25):
        existencia_registrar_entrada(producto_id=producto.pk, cantidad=numero + 1, usuario=gerente, nota=f"Remisión {numero}")
    producto.refresh_from_db()
    existencia_ajustar(producto_id=producto.pk, existencia_nueva=producto.existencia - 3,
                       existencia_anterior=producto.existencia, motivo="Conteo físico", usuario=gerente)

    cliente = clientes_services.cliente_registrar(nombre="Mamá", apellidos="Prueba", email="mama.recorrido@ejemplo.mx",
                                                  rfc=rfc_valido(40))
    # Siblings: two share their mother's email, one has none, one has a CURP.
    estados = {
        "sin_intentar": _alumno("Ana", "mama.recorrido@ejemplo.mx", estado=None, responsable=cliente,
                                ciclo_escolar="2026-2027", grado="3", grupo="A"),
        EstadoSincronizacion.PENDIENTE: _alumno("Beto", "mama.recorrido@ejemplo.mx", estado=EstadoSincronizacion.PENDIENTE,
                                                responsable=cliente, ciclo_escolar="2026-2027", grado="5", grupo="B"),
        EstadoSincronizacion.SINCRONIZADO: _alumno("Carla", "", estado=EstadoSincronizacion.SINCRONIZADO,
                                                   responsable=cliente, matricula="R-0001"),
        EstadoSincronizacion.ERROR: _alumno("Dario", "dario.recorrido@ejemplo.mx", estado=EstadoSincronizacion.ERROR,
                                            responsable=cliente, curp=curp_valida(40)),
    }
    empresa = clientes_services.cliente_registrar(tipo="empresa", nombre="Empresa Recorrido", rfc=rfc_valido(41, empresa=True))
    alumnos_services.alumno_registrar(nombre="Empleado", apellidos="Prueba", responsable=empresa, parentesco="empresa")
    Alumno.objects.using(DB_NEGOCIO).filter(pk=estados[EstadoSincronizacion.ERROR].pk).update(por_confirmar=True)

    turno = turno_abrir(cajero=cajero, fondo_inicial=Decimal("500.00"))
    # The Gerente is also a salesperson (5 %): the first sale is theirs, rung up by the cashier.
    from ventas.models import Vendedor
    from ventas.vendedores.services import carrito_vendedor_asignar

    Vendedor.objects.using(DB_NEGOCIO).create(id_usuario=gerente.pk, nombre="Gerente del recorrido",
                                              comision_porcentaje=Decimal("5"))
    carrito_vendedor_asignar(cajero=cajero, id_vendedor=gerente.pk, autorizador=gerente)
    venta = _vender(cajero, productos[:3], cliente_id=cliente.pk)
    venta_cancelada = _vender(cajero, productos[1:2])
    detalle = venta.lineas.order_by("id").first()
    devolucion = _devolver_como_gerente(venta, detalle, gerente)
    _cancelar_como_gerente(venta_cancelada, gerente)
    edicion = _edicion_con_inscripcion(cajero, cliente)

    carrito_agregar(cajero=cajero, producto_id=productos[3].pk)
    en_espera = carrito_poner_en_espera(cajero=cajero, nota="Mamá de Sofía")
    linea = carrito_agregar(cajero=cajero, producto_id=productos[2].pk)

    venta_ajena = Venta.objects.using(DB_NEGOCIO).exclude(id_cajero=cajero.pk).order_by("-id").first()
    turno_cerrado = Turno.objects.using(DB_NEGOCIO).exclude(id_cajero=cajero.pk).filter(cerrado__isnull=False).order_by("-id").first()
    assert MovimientoInventario.objects.using(DB_NEGOCIO).filter(producto=producto).count() > 20
    assert Categoria.objects.using(DB_NEGOCIO).exists()
    return DatosRicos(
        venta=venta, venta_cancelada=venta_cancelada, venta_ajena=venta_ajena, devolucion=devolucion,
        turno_abierto=turno, turno_cerrado=turno_cerrado, linea_id=linea.pk, carrito_en_espera=en_espera,
        producto=producto, cliente=cliente, alumno=estados[EstadoSincronizacion.ERROR], alumnos_por_estado=estados,
        empresa=empresa, edicion=edicion,
    )


def _edicion_con_inscripcion(cajero, cliente) -> Edicion:
    """A course, an edition of it and one seat sold to an alumno paid for by ``cliente``."""
    curso = curso_registrar(codigo="REC-ROB", nombre="Robótica (recorrido)", modalidad="presencial",
                            duracion_horas=20, precio_lista=Decimal("800.00"))
    hoy = timezone.localdate()
    edicion = edicion_crear(curso_id=curso.pk, codigo="REC-ROB-1", fecha_inicio=hoy,
                            fecha_fin=hoy + datetime.timedelta(days=30), cupo_maximo=5)
    alumno = Alumno.objects.using(DB_NEGOCIO).create(nombre="Sofía", apellidos="Recorrido")
    carrito_cliente_asignar(cajero=cajero, cliente_id=cliente.pk)
    carrito_inscribir(cajero=cajero, producto_id=edicion.pk, alumno_id=alumno.pk)
    vista = carrito_de_cajero(cajero=cajero)
    venta_confirmar(cajero=cajero, clave_cobro=vista.carrito.clave_cobro, huella=vista.huella, pagos=[],
                    efectivo_recibido=Decimal("100000"))
    return edicion


def _devolver_como_gerente(venta, detalle, gerente) -> Devolucion:
    """A partial return registered by a Gerente in their own open shift."""
    if turno_abierto(cajero=gerente) is None:
        turno_abrir(cajero=gerente, fondo_inicial=Decimal("1000.00"))
    devolucion, _ = venta_devolver(
        venta_id=venta.pk, usuario=gerente, lineas=[LineaDevolucionDatos(detalle.pk, 1)],
        motivo="Talla equivocada", clave=uuid.uuid4(),
    )
    return devolucion


def _cancelar_como_gerente(venta, gerente) -> Devolucion:
    if turno_abierto(cajero=gerente) is None:
        turno_abrir(cajero=gerente, fondo_inicial=Decimal("1000.00"))
    devolucion, _ = venta_cancelar(venta_id=venta.pk, usuario=gerente, motivo="Cobro duplicado",
                                            clave=uuid.uuid4())
    return devolucion
