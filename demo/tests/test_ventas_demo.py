"""cargar_demo --ventas N: consistent rows, square ledger, closed shifts, synced clients."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connections
from django.db.models import Count, F, Q, Sum

from demo.ventas import ventas_cargar
from integraciones.models import SincronizacionAlumno
from inventario.models import MovimientoInventario, Producto
from inventario.selectors import inventario_descuadres
from ventas.models import Devolucion, DevolucionLinea, Pago, Reembolso, Turno, Venta, VentaDetalle
from ventas_ingenio.router import DB_NEGOCIO

pytestmark = pytest.mark.django_db(databases="__all__")


def _sql(consulta, *parametros):
    with connections[DB_NEGOCIO].cursor() as cursor:
        cursor.execute(consulta, parametros)
        return cursor.fetchall()


@pytest.fixture
def cargadas(roles, gerente):
    call_command("cargar_demo", "--ventas", "3000", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Venta.objects.using(DB_NEGOCIO)


def test_cantidades_y_catalogo(cargadas):
    assert cargadas.count() == 3000
    assert Producto.objects.count() >= 200  # the demo catalog was loaded first
    assert VentaDetalle.objects.count() >= 3000
    lineas = VentaDetalle.objects.values("venta").annotate(n=Count("id")).values_list("n", flat=True)
    assert set(lineas) <= {1, 2, 3, 4, 5}
    assert Devolucion.objects.filter(tipo="cancelacion").exists()
    assert Devolucion.objects.filter(tipo="devolucion").exists()
    assert Pago.objects.filter(metodo="tarjeta").exists() and Pago.objects.filter(metodo="transferencia").exists()
    assert Pago.objects.filter(metodo="efectivo", cambio__gt=0).exists()
    assert cargadas.filter(descuento__gt=0).exists()
    assert cargadas.exclude(nombre_autorizo_descuento="").filter(descuento__gt=0).exists()
    assert cargadas.values("id_cajero").distinct().count() >= 3  # demo cashiers created when missing
    # Sold by their cashier; the first two demo cashiers are salespeople with a commission.
    assert not cargadas.exclude(id_vendedor=F("id_cajero")).exists()
    assert not cargadas.exclude(nombre_vendedor=F("nombre_cajero")).exists()
    assert set(cargadas.values_list("comision_porcentaje", flat=True).distinct()) == {
        Decimal("0"), Decimal("3"), Decimal("2.5")}


def test_totales_cuadran(cargadas):
    # Sale total = sum of its lines; articles = units; IVA = sum of the lines' IVA.
    assert not _sql("""
        SELECT v.id_venta FROM tra_venta v JOIN tra_venta_det d USING (id_venta) GROUP BY v.id_venta
        HAVING v.total <> SUM(d.importe) OR v.subtotal <> SUM(d.precio_unitario * d.cantidad)
            OR v.descuento <> SUM(d.descuento) OR v.iva <> SUM(d.iva) OR v.articulos <> SUM(d.cantidad)""")
    # Payments cover the total exactly (change is apart); cash gives change, the rest never.
    assert not _sql("""
        SELECT v.id_venta FROM tra_venta v JOIN tra_pago p USING (id_venta) GROUP BY v.id_venta
        HAVING v.total <> SUM(p.monto)""")
    assert not Pago.objects.exclude(metodo="efectivo").filter(cambio__gt=0).exists()
    # IVA per line is the 16 % contained in the amount, rounded half up, as the checkout does.
    from ventas.calculos import linea_calcular

    for linea in VentaDetalle.objects.all()[:500]:
        calculada = linea_calcular(precio_unitario=linea.precio_unitario, cantidad=linea.cantidad,
                                   descuento=linea.descuento, tasa_iva=linea.tasa_iva)
        assert (calculada.importe, calculada.iva) == (linea.importe, linea.iva)


def test_devoluciones_y_cancelaciones_cuadran(cargadas):
    canceladas = cargadas.filter(estado="cancelada")
    assert canceladas.exists()
    assert not canceladas.exclude(total_devuelto=F("total")).exists()
    assert not VentaDetalle.objects.filter(venta__estado="cancelada").exclude(cantidad_devuelta=F("cantidad")).exists()
    # total_devuelto = sum of the returns; returned units = sum of the return lines.
    assert not _sql("""
        SELECT v.id_venta FROM tra_venta v LEFT JOIN tra_devolucion d USING (id_venta) GROUP BY v.id_venta
        HAVING v.total_devuelto <> COALESCE(SUM(d.total), 0)""")
    assert not _sql("""
        SELECT vd.id_venta_det FROM tra_venta_det vd LEFT JOIN tra_devolucion_det dd USING (id_venta_det)
        GROUP BY vd.id_venta_det HAVING vd.cantidad_devuelta <> COALESCE(SUM(dd.cantidad), 0)""")
    # Refunds add up to what was returned; each return has a Gerente's authorisation.
    reembolsado = dict(Reembolso.objects.values("devolucion").annotate(s=Sum("monto")).values_list("devolucion", "s"))
    por_lineas = dict(DevolucionLinea.objects.values("devolucion").annotate(s=Sum("importe"))
                      .values_list("devolucion", "s"))
    for devolucion in Devolucion.objects.all():
        assert devolucion.total == por_lineas[devolucion.pk] == reembolsado.get(devolucion.pk, Decimal("0"))
    assert not Devolucion.objects.filter(nombre_autorizo="").exists()
    parciales = cargadas.filter(estado="completada", total_devuelto__gt=0)
    assert parciales.exists() and not parciales.filter(total_devuelto=F("total")).exists()
    assert Reembolso.objects.exists() and DevolucionLinea.objects.exists()


def test_inventario_cuadrado_y_movimientos(cargadas):
    assert inventario_descuadres() == []
    call_command("verificar_inventario", stdout=open("/dev/null", "w"))  # noqa: SIM115  (exits 0)
    assert not MovimientoInventario.objects.filter(existencia_resultante__lt=0).exists()
    # One "venta" movement per line; one "cancelacion_venta" per line of a cancellation and one
    # "devolucion" per line of a partial return.
    assert MovimientoInventario.objects.filter(tipo="venta").count() == VentaDetalle.objects.count()
    for tipo_devolucion, tipo_movimiento in (("cancelacion", "cancelacion_venta"), ("devolucion", "devolucion")):
        lineas = DevolucionLinea.objects.filter(devolucion__tipo=tipo_devolucion).count()
        assert lineas > 0
        assert MovimientoInventario.objects.filter(tipo=tipo_movimiento).count() == lineas
    assert not _sql("""
        SELECT d.id_venta_det FROM tra_venta_det d
        LEFT JOIN tra_movimiento_inventario m ON m.id_venta = d.id_venta AND m.id_producto = d.id_producto
             AND m.tipo = 'venta' AND m.cantidad = -d.cantidad
        WHERE m.id_movimiento IS NULL""")


def test_turnos_cerrados_y_consistentes(cargadas):
    assert not cargadas.filter(turno__isnull=True).exists()
    assert not Turno.objects.filter(estado="abierto").exists()
    # One shift per cashier per day.
    assert not _sql("""SELECT id_cajero, (abierto AT TIME ZONE 'America/Mexico_City')::date FROM tra_turno
                       GROUP BY 1, 2 HAVING COUNT(*) > 1""")
    assert not cargadas.exclude(id_cajero=F("turno__id_cajero")).exists()
    assert not cargadas.filter(Q(fecha__lt=F("turno__abierto")) | Q(fecha__gt=F("turno__cerrado"))).exists()
    # expected cash = opening + cash sales − cash refunds; card/transfer likewise.
    filas = _sql("""
        SELECT t.id_turno FROM tra_turno t
        LEFT JOIN (SELECT v.id_turno, SUM(p.monto) FILTER (WHERE p.metodo = 'efectivo') ef,
                          SUM(p.monto) FILTER (WHERE p.metodo = 'tarjeta') ta
                   FROM tra_venta v JOIN tra_pago p USING (id_venta) GROUP BY v.id_turno) s USING (id_turno)
        LEFT JOIN (SELECT d.id_turno, SUM(r.monto) FILTER (WHERE r.metodo = 'efectivo') ef,
                          SUM(r.monto) FILTER (WHERE r.metodo = 'tarjeta') ta
                   FROM tra_devolucion d JOIN tra_reembolso r USING (id_devolucion) GROUP BY d.id_turno) r
             USING (id_turno)
        WHERE t.efectivo_esperado <> t.fondo_inicial + COALESCE(s.ef, 0) - COALESCE(r.ef, 0)
           OR t.tarjeta_esperado <> COALESCE(s.ta, 0) - COALESCE(r.ta, 0)""")
    assert not filas
    assert Turno.objects.exclude(efectivo_contado=F("efectivo_esperado")).exists()  # some count differences
    # The stored close snapshot is exactly what the shifts' own selector reads from the ledger.
    from ventas.calculos import CuentasTurno
    from ventas.turnos.selectors import turno_cuentas

    for turno in Turno.objects.order_by("?")[:40]:
        cuentas = turno_cuentas(turno=turno)
        assert CuentasTurno.de_json(turno.resumen_cierre) == cuentas
        assert cuentas.esperado == {"efectivo": turno.efectivo_esperado, "tarjeta": turno.tarjeta_esperado,
                                    "transferencia": turno.transferencia_esperado}
    # Differences above the configured limit carry a Gerente's authorisation.
    from django.conf import settings

    limite = Decimal(settings.DIFERENCIA_MAXIMA_CORTE)
    for turno in Turno.objects.all():
        if abs(turno.efectivo_contado - turno.efectivo_esperado) > limite:
            assert turno.nombre_autorizo_diferencia


def test_familias_demo_con_alumnos_sincronizados(cargadas):
    from clientes.curp import curp_error
    from clientes.models import Alumno, AlumnoResponsable, Cliente
    from clientes.rfc import rfc_error

    pagadores = Cliente.objects.filter(email__endswith="@demo.ingenio.mx")
    assert pagadores.count() == 3000
    alumnos = Alumno.objects.filter(vinculos__cliente__in=pagadores).distinct()
    assert alumnos.count() > 3000
    demo = SincronizacionAlumno.objects.filter(alumno__in=alumnos)
    assert demo.count() == 2 * alumnos.count()
    assert not demo.exclude(estado="sincronizado").exists()  # the sandbox is not flooded
    assert not alumnos.filter(id_alumno_sii="").exists()
    # Families: parents paying for 2 or 3 children with ciclo/grado/grupo, siblings sharing an email.
    hijos = Count("vinculos", filter=Q(vinculos__parentesco__in=["madre", "padre"]))
    familias = pagadores.annotate(hijos=hijos).filter(hijos__gt=0)
    assert set(familias.values_list("hijos", flat=True)) == {2, 3}
    # No two siblings with the same name (a roster or the till's picker could not tell them apart).
    tocayos = (AlumnoResponsable.objects.filter(cliente__in=familias, parentesco__in=["madre", "padre"])
               .values("cliente", "alumno__nombre").annotate(n=Count("alumno")).filter(n__gt=1))
    assert not tocayos.exists(), list(tocayos[:5])
    assert Alumno.objects.filter(vinculos__parentesco="madre").exclude(grado="").exclude(grupo="").exists()
    compartidos = (Alumno.objects.exclude(email="").values("email").annotate(n=Count("id")).filter(n__gt=1))
    assert compartidos.exists()
    assert Alumno.objects.filter(vinculos__parentesco="madre", email="").exists()
    # Companies paying for employees, adults paying for themselves.
    empresas = pagadores.filter(tipo="empresa")
    assert empresas.exists() and AlumnoResponsable.objects.filter(cliente__in=empresas, parentesco="empresa").exists()
    assert AlumnoResponsable.objects.filter(cliente__in=pagadores, parentesco="propio").exists()
    # Every CURP and RFC passes our validators (CURPs unique by the table's constraint).
    curps = list(alumnos.exclude(curp=None).values_list("curp", flat=True))
    assert len(curps) > 500 and not [c for c in curps if curp_error(c)]
    rfcs = list(pagadores.exclude(rfc="").values_list("rfc", "tipo"))
    assert rfcs and not [r for r, t in rfcs if rfc_error(r, tipo=t)]
    assert cargadas.filter(cliente__email__endswith="@demo.ingenio.mx").exists()
    assert cargadas.filter(cliente__es_publico_general=True).exists()


def test_segunda_carga_suma_y_sigue_cuadrando(cargadas):
    folios = set(cargadas.values_list("folio", flat=True))
    ventas_cargar(cantidad=200, dias=10, escribir=lambda _: None)  # same seed: unique keys must not repeat
    assert cargadas.count() == 3200
    assert len(set(cargadas.values_list("folio", flat=True)) - folios) == 200
    assert inventario_descuadres() == []
    # Sequences moved past the loaded ids: a new shift and sale get fresh ids and folios.
    turno = Turno.objects.create(id_cajero=1, nombre_cajero="x", fondo_inicial=0)
    assert turno.pk > max(Turno.objects.exclude(pk=turno.pk).values_list("pk", flat=True))
    assert _sql("SELECT nextval('tra_venta_folio_seq')")[0][0] > max(cargadas.values_list("folio", flat=True))


def test_llave_huerfana_aborta_la_carga(db):
    """With the row-by-row FK triggers skipped, the bulk check still refuses an orphan row."""
    from demo.ventas import _llaves_foraneas_en_bloque, _llaves_foraneas_verificar

    with connections[DB_NEGOCIO].cursor() as cursor:
        assert _llaves_foraneas_en_bloque(cursor)  # the test database role is a superuser
        cursor.execute("INSERT INTO tra_pago (id_venta, metodo, monto, recibido, cambio, referencia) "
                       "VALUES (987654321, 'efectivo', 1, 1, 0, '')")
        with pytest.raises(RuntimeError, match="tra_pago.id_venta sin tra_venta"):
            _llaves_foraneas_verificar(cursor)
        cursor.execute("SET LOCAL session_replication_role = origin")


@pytest.fixture
def a_plazos(roles, gerente):
    """1 500 sales, a fifth of them paid over time (the benchmarks' loader with a larger share)."""
    call_command("cargar_demo", "--ventas", "1500", "--a-plazos", "0.2", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Venta.objects.using(DB_NEGOCIO)


def test_ventas_a_plazos_con_abonos(a_plazos):
    import datetime

    from django.utils import timezone

    from ventas.models import Abono, VentaParcialidad

    plazo = a_plazos.exclude(modalidad="contado")
    assert 0.15 <= plazo.count() / a_plazos.count() <= 0.25  # the share asked for
    assert plazo.filter(modalidad="apartado").exists() and plazo.filter(modalidad="parcialidades").exists()
    assert not plazo.filter(cliente__es_publico_general=True).exists()
    assert not a_plazos.filter(modalidad="contado").exclude(vence=None).exists()
    # pagado = payments at the checkout + abonos − refunds, for every sale.
    assert not _sql("""
        SELECT v.id_venta FROM tra_venta v
        LEFT JOIN (SELECT id_venta, SUM(monto) s FROM tra_pago GROUP BY 1) p USING (id_venta)
        LEFT JOIN (SELECT id_venta, SUM(monto) s FROM tra_abono GROUP BY 1) a USING (id_venta)
        LEFT JOIN (SELECT d.id_venta, SUM(r.monto) s FROM tra_devolucion d JOIN tra_reembolso r USING (id_devolucion)
                   GROUP BY 1) r USING (id_venta)
        WHERE v.pagado <> COALESCE(p.s, 0) + COALESCE(a.s, 0) - COALESCE(r.s, 0)""")
    # Each sale's abonos chain their balances, from what the checkout left to what is owed now.
    for venta in plazo.filter(abonos__isnull=False).distinct()[:300]:
        anterior = venta.total - sum(p.monto for p in venta.pagos.all())
        for abono in venta.abonos.order_by("fecha", "id"):
            assert abono.saldo_anterior == anterior and abono.turno.abierto <= abono.fecha <= abono.turno.cerrado
            anterior = abono.saldo_posterior
        assert anterior == venta.saldo
    # An installment sale is due on its first unpaid installment (none once paid, as the abonos
    # service leaves it).
    for venta in plazo.filter(modalidad="parcialidades")[:300]:
        acumulado, vence = Decimal("0"), None
        for parcialidad in VentaParcialidad.objects.filter(venta=venta).order_by("numero"):
            acumulado += parcialidad.monto
            if acumulado > venta.pagado:
                vence = parcialidad.vence
                break
        assert venta.vence == vence
    assert plazo.filter(modalidad="parcialidades", estado_pago="pagado").exists()
    # Every state shows up: paid, partial and overdue; apartados paid in full were handed over.
    hoy = timezone.localdate()
    assert plazo.filter(estado_pago="pagado").exists() and plazo.filter(estado_pago="parcial", vence__gte=hoy).exists()
    assert plazo.filter(saldo__gt=0, vence__lt=hoy).exists()
    assert plazo.filter(saldo__gt=0, vence__lt=hoy - datetime.timedelta(days=60)).exists()
    entregados = plazo.filter(modalidad="apartado", estado_pago="pagado")
    assert entregados.exists() and not entregados.filter(entregado=None).exists()
    assert not plazo.filter(saldo__gt=0).exclude(entregado=None).exists()
    assert Abono.objects.filter(metodo="efectivo", cambio__gt=0).exists()
    # The ledger: set-aside units are the open apartados' units, and everything is square.
    assert inventario_descuadres() == []
    apartadas = _sql("""SELECT COALESCE(SUM(d.cantidad), 0) FROM tra_venta v JOIN tra_venta_det d USING (id_venta)
                        WHERE v.modalidad = 'apartado' AND v.entregado IS NULL""")[0][0]
    assert apartadas > 0 and Producto.objects.aggregate(s=Sum("existencia_apartada"))["s"] == apartadas
    assert MovimientoInventario.objects.filter(tipo="entrega_apartado").exists()
    # A shift's expected cash counts the abonos' cash (their change went back out of the drawer).
    assert not _sql("""
        SELECT t.id_turno FROM tra_turno t
        LEFT JOIN (SELECT v.id_turno, SUM(p.monto) FILTER (WHERE p.metodo = 'efectivo') ef
                   FROM tra_venta v JOIN tra_pago p USING (id_venta) GROUP BY 1) s USING (id_turno)
        LEFT JOIN (SELECT id_turno, SUM(monto) FILTER (WHERE metodo = 'efectivo') ef FROM tra_abono GROUP BY 1) a
             USING (id_turno)
        LEFT JOIN (SELECT d.id_turno, SUM(r.monto) FILTER (WHERE r.metodo = 'efectivo') ef
                   FROM tra_devolucion d JOIN tra_reembolso r USING (id_devolucion) GROUP BY 1) r USING (id_turno)
        WHERE t.efectivo_esperado <> t.fondo_inicial + COALESCE(s.ef, 0) + COALESCE(a.ef, 0) - COALESCE(r.ef, 0)""")
    # Each close's snapshot counts its abonos as the abonos part's CuentasTurno stores them.
    turno = Turno.objects.filter(abonos__isnull=False).distinct().first()
    efectivo = sum(a.monto for a in turno.abonos.filter(metodo="efectivo"))
    assert turno.resumen_cierre["abonos"] == turno.abonos.count()
    assert Decimal(turno.resumen_cierre["abonos_pagos"].get("efectivo", "0")) == efectivo
    # …and reads back exactly as the shift's own selector computes it from the ledger.
    from ventas.calculos import CuentasTurno
    from ventas.turnos.selectors import turno_cuentas

    for turno in Turno.objects.filter(abonos__isnull=False).distinct().order_by("?")[:30]:
        assert CuentasTurno.de_json(turno.resumen_cierre) == turno_cuentas(turno=turno)
