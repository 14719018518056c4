"""Demo catalog for a school shop, or a large synthetic catalog for benchmarks.

Stock always enters through ``entrada`` movements, so ``verificar_inventario`` passes.
"""

import io
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction
from django.test.utils import override_settings
from django.utils import timezone

from demo.catalogo import CATEGORIAS, catalogo_demo
from inventario.models import Categoria, Producto, TipoMovimiento
from inventario.services import MovimientoDatos, existencias_mover
from inventario.validators import ean13_generar
from ventas.models import Venta
from ventas_ingenio.router import DB_NEGOCIO

PREFIJO_DEMO = "7501234"  # GS1 Mexico (750) + an illustrative company number
PREFIJO_MASIVO = "20"  # GS1 in-store range: never collides with real barcodes
LOTE_COPY = 20_000


class Command(BaseCommand):
    help = (
        "Carga el catálogo de demostración de la tienda escolar (uniformes, papelería, libros, alimentos) "
        "con existencias registradas como entradas. Con --productos N agrega N productos sintéticos (benchmark); "
        "con --ventas N carga N ventas de los últimos 12 meses (historial, reportes, benchmark)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--productos", type=int, default=0, help="Agregar N productos sintéticos con COPY.")
        parser.add_argument("--ventas", type=int, default=0,
                            help="Cargar N ventas de los últimos 12 meses con COPY (ver demo/ventas.py).")
        parser.add_argument("--semilla", type=int, default=2026)
        parser.add_argument("--a-plazos", type=float, default=0.0, dest="a_plazos",
                            help="Con --ventas: proporción (0 a 1) de ventas apartadas o en parcialidades, con sus "
                                 "abonos (benchmark de saldos; por omisión 0).")
        parser.add_argument("--cursos", action="store_true",
                            help="Cargar los cursos de demostración (ediciones, familias e inscripciones) si no hay cursos.")
        parser.add_argument("--apartados", action="store_true",
                            help="Cargar los apartados de demostración (abiertos, por vencer, vencido, entregado) "
                                 "si no hay apartados.")
        parser.add_argument("--si-vacio", action="store_true",
                            help="Solo en una base vacía: el catálogo si no hay productos y las --ventas si no hay "
                                 "ventas (lo que hace `make run` en una máquina nueva).")

    def handle(self, *args, **options):
        # The demo's alumnos and enrollments are only queued for SII and Aula, not tried at once:
        # `make run` loads the demo before it starts the sandbox, and failed immediate attempts
        # would open the circuits for half a minute. The worker sends them when it starts.
        with override_settings(INTEGRACIONES_PRESUPUESTO_INMEDIATO=0):
            self._handle(**options)

    def _handle(self, *, productos, ventas, semilla, si_vacio=False, cursos=False, apartados=False, a_plazos=0.0,
                **options):
        azar = random.Random(semilla)  # noqa: S311 - reproducible demo data, not secrets
        if not 0 <= a_plazos <= 1:
            raise CommandError("--a-plazos va de 0 a 1 (por ejemplo 0.05: una venta de cada veinte).")
        self.a_plazos = a_plazos
        self._cargar(productos=productos, ventas=ventas, semilla=semilla, si_vacio=si_vacio, azar=azar)
        if si_vacio or cursos:
            # After the catalog and the sales: the courses' families buy a uniform too.
            self._cursos(semilla)
        if si_vacio or apartados:
            from demo.apartados import apartados_cargar

            apartados_cargar(escribir=self.stdout.write)

    def _cursos(self, semilla):
        from demo.cursos import cursos_cargar

        cursos_cargar(semilla=semilla, escribir=self.stdout.write)

    def _cargar(self, *, productos, ventas, semilla, si_vacio, azar):
        if si_vacio:
            # Only once: a database with products (or sales) is left as it is.
            if Producto.objects.using(DB_NEGOCIO).exists():
                productos = 0
            elif not productos:
                self._demo(self._categorias(), azar)
            if Venta.objects.using(DB_NEGOCIO).exists():
                ventas = 0
            if not (productos or ventas):
                return
        categorias = self._categorias()
        if productos:
            if productos < 0:
                raise CommandError("--productos debe ser positivo.")
            inicio = time.monotonic()
            self._masivo(productos, categorias, azar)
            self.stdout.write(f"{productos} productos sintéticos cargados en {time.monotonic() - inicio:.1f} s.")
        if ventas:
            self._ventas(ventas, semilla, categorias, azar)
        if productos or ventas:
            return
        if Producto.objects.using(DB_NEGOCIO).filter(codigo__in=[p["codigo"] for p in catalogo_demo()]).exists():
            self.stdout.write("El catálogo de demostración ya estaba cargado.")
            return
        self._demo(categorias, azar)

    def _ventas(self, cantidad, semilla, categorias, azar):
        from demo.ventas import ventas_cargar

        if cantidad < 0:
            raise CommandError("--ventas debe ser positivo.")
        demo = [p["codigo"] for p in catalogo_demo()]
        if Producto.objects.using(DB_NEGOCIO).count() < 200 and not (
            Producto.objects.using(DB_NEGOCIO).filter(codigo__in=demo).exists()
        ):
            self._demo(categorias, azar)  # sales need a real catalog to sell from
        ventas_cargar(cantidad=cantidad, semilla=semilla, escribir=self.stdout.write,
                      a_plazos=getattr(self, "a_plazos", 0.0))
        self._monederos(azar)

    def _monederos(self, azar):
        from demo.monedero import monederos_cargar
        from demo.ventas import cajeros_demo

        abiertos = monederos_cargar(azar=azar, usuario=cajeros_demo()[1])
        if abiertos:
            self.stdout.write(f"{abiertos} clientes con saldo a favor.")

    def _categorias(self):
        for nombre in CATEGORIAS:
            Categoria.objects.using(DB_NEGOCIO).get_or_create(nombre=nombre)
        return {c.nombre: c for c in Categoria.objects.using(DB_NEGOCIO).filter(nombre__in=CATEGORIAS)}

    def _demo(self, categorias, azar):
        with transaction.atomic(using=DB_NEGOCIO):
            nuevos = []
            for numero, datos in enumerate(catalogo_demo(), start=1):
                datos = {**datos, "categoria": categorias[datos["categoria"]]}
                nuevos.append(Producto(codigo_barras=ean13_generar(numero, PREFIJO_DEMO), **datos))
            creados = Producto.objects.using(DB_NEGOCIO).bulk_create(nuevos)
            lineas = []
            for producto in creados:
                # A few products start at or below their minimum so the low-stock alert shows.
                existencia = azar.randint(0, producto.existencia_minima) if azar.random() < 0.08 else azar.randint(
                    producto.existencia_minima + 5, producto.existencia_minima * 8 + 20
                )
                if existencia:
                    lineas.append(MovimientoDatos(
                        producto_id=producto.pk, tipo=TipoMovimiento.ENTRADA, cantidad=existencia,
                        motivo="Inventario inicial (datos de demostración)",
                    ))
            existencias_mover(movimientos=lineas, usuario=None)
        self.stdout.write(f"Catálogo de demostración: {len(creados)} productos con existencias.")

    def _masivo(self, cantidad, categorias, azar):
        """COPY the products with their stock, then one INSERT … SELECT writes the matching
        entrada movements: the same result as the service, at bulk speed."""
        nombres = [p["nombre"] for p in catalogo_demo()]
        ids_categoria = [c.pk for c in categorias.values()]
        conexion = connections[DB_NEGOCIO]
        ahora = timezone.now().isoformat()
        with transaction.atomic(using=DB_NEGOCIO), conexion.cursor() as cursor:
            cursor.execute("LOCK TABLE cat_producto IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute("SELECT COALESCE(MAX(id_producto), 0) FROM cat_producto")
            ultimo_id = cursor.fetchone()[0]
            cursor.execute("SELECT COUNT(*) FROM cat_producto WHERE codigo LIKE 'GEN-%%'")
            desde = cursor.fetchone()[0]
            for lote in range(0, cantidad, LOTE_COPY):
                buffer = io.StringIO()
                for i in range(desde + lote, desde + min(lote + LOTE_COPY, cantidad)):
                    existencia = azar.randint(0, 200)
                    buffer.write(
                        "\t".join([
                            f"GEN-{i:08d}", ean13_generar(i, PREFIJO_MASIVO), f"{azar.choice(nombres)} (modelo {i})", "",
                            str(azar.choice(ids_categoria)), f"{azar.randint(500, 90000) / 100:.2f}", "0.16",
                            str(existencia), str(azar.choice((0, 5, 10, 20))), "t", ahora, ahora,
                        ]) + "\n"
                    )
                buffer.seek(0)
                cursor.copy_expert(
                    "COPY cat_producto (codigo, codigo_barras, producto, descripcion, id_categoria, precio_unitario, "
                    "tasa_iva, existencia, existencia_minima, activo, creado, actualizado) FROM STDIN",
                    buffer,
                )
            cursor.execute(
                """
                INSERT INTO tra_movimiento_inventario
                    (id_producto, tipo, cantidad, existencia_resultante, motivo, id_usuario, nombre_usuario, fecha)
                SELECT id_producto, %s, existencia, existencia, %s, NULL, %s, %s
                FROM cat_producto WHERE id_producto > %s AND existencia > 0
                """,
                [TipoMovimiento.ENTRADA, "Carga masiva (benchmark)", "Sistema", ahora, ultimo_id],
            )
            cursor.execute("ANALYZE cat_producto")
            cursor.execute("ANALYZE tra_movimiento_inventario")
