"""Bulk demo sales: ``manage.py cargar_demo --ventas N`` (history, reports and benchmarks).

Writes in one transaction, with ``COPY``, what N checkouts of a school shop over the last
~12 months would have written through ``ventas.services``: sales with their lines, payments,
closed shifts (one per cashier per day), a few cancellations and partial returns with their
refunds, the stock movements ("venta", "cancelacion_venta", "devolucion", plus restocking "entrada"), and
a few thousand payers (families, companies, adults who study) with their alumnos already synced
with SII/Aula (so the sandbox is not flooded).

It does not go through the services on purpose (a million checkouts one by one would take
hours); instead the arithmetic is the same (integer cents, IVA per line rounded half up once),
every CHECK constraint of the tables still runs, and the stock ledger stays square: each
product's ``existencia`` ends equal to the sum of its movements, with a running
``existencia_resultante`` that never goes below zero (restocks are added when a sale would
need more than there is). Sequences are moved past the loaded ids, and ``VACUUM ANALYZE``
runs at the end so the planner and index-only scans see the new rows.

Money is handled as integer cents here (``Decimal`` for a million sales costs minutes);
``_centavos_texto`` writes them as the ``numeric(12,2)`` text COPY expects.
"""

from __future__ import annotations

import bisect
import io
import json
import random
import time
import unicodedata
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections, transaction
from django.utils import timezone
from stdnum.mx import rfc as stdnum_rfc

from clientes.curp import curp_digito_verificador, curp_error
from clientes.rfc import rfc_error
from ventas_ingenio.roles import ROL_CAJERO, ROL_GERENTE, nombre_para_registro, rol_asignar
from ventas_ingenio.router import DB_AUTH, DB_NEGOCIO

ZONA = ZoneInfo(settings.TIME_ZONE)
LOTE = 20_000  # sales per COPY round: bounded memory whatever N is
CLIENTES_DEMO = 3_000
DOMINIO_CLIENTES = "demo.ingenio.mx"
FONDO = 50_000  # opening cash of every loaded shift, in cents
MOTIVOS_CANCELACION = [
    "Error de captura del cajero", "El cliente cambió de opinión", "Cobro duplicado", "Producto equivocado",
]
MOTIVOS_DEVOLUCION = ["Talla equivocada", "Producto defectuoso", "Libro equivocado", "Compra duplicada"]
NOMBRES = [
    "Sofía", "Valentina", "Regina", "Camila", "Ximena", "María José", "Renata", "Victoria", "Fernanda", "Daniela",
    "Santiago", "Mateo", "Sebastián", "Leonardo", "Emiliano", "Diego", "Miguel Ángel", "Daniel", "Iker", "José Luis",
]
EMPRESAS = ["Constructora", "Distribuidora", "Transportes", "Servicios Médicos", "Grupo Industrial", "Comercial"]
APELLIDOS = [
    "Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez", "Ramírez", "Cruz",
    "Flores", "Gómez", "Morales", "Vázquez", "Jiménez", "Reyes", "Díaz", "Torres", "Gutiérrez", "Ruiz", "Núñez",
]
# Sales per hour of the school day (7:00-15:00): arrival, recess at 10-11, exit.
PESO_HORA = {7: 14, 8: 8, 9: 7, 10: 18, 11: 12, 12: 8, 13: 16, 14: 12, 15: 5}
LINEAS_POR_VENTA = ([1, 2, 3, 4, 5], [40, 28, 17, 10, 5])
# Share of sales paid over time (apartados and installments, with their abonos). None by
# default: ``make run``'s demo gets its pay-later sales through the services (demo/…); the
# benchmarks ask for a share (``cargar_demo --ventas 1000000 --a-plazos 0.05``).
A_PLAZOS = 0.0
APARTADO_DIAS = 30
METODOS_ABONO = (("efectivo", "tarjeta", "transferencia"), (70, 20, 10))


def _centavos_texto(c: int) -> str:
    return f"{c // 100}.{c % 100:02d}"


def _iva(importe: int, tasa16: bool) -> int:
    """IVA contained in an IVA-included amount at 16 %, rounded half up (as ``calculos.linea_calcular``)."""
    return (importe * 16 + 58) // 116 if tasa16 else 0


def _ts(segundos: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime(segundos))


def _peso_dia(dia: date) -> float:
    """Relative sales of a day: school days, quiet weekends, holidays, back-to-school rush."""
    peso = (1.0, 1.0, 1.0, 1.0, 0.9, 0.25, 0.0)[dia.weekday()]
    md = (dia.month, dia.day)
    if (7, 15) <= md <= (8, 15) or md >= (12, 20) or md <= (1, 6) or (4, 1) <= md <= (4, 12):
        peso *= 0.2  # vacations: a few uniforms and books
    elif (8, 16) <= md <= (9, 15):
        peso *= 2.2  # back to school: uniforms, books, supplies
    return peso


@dataclass
class _Producto:
    id: int
    descripcion: str
    precio: int
    tasa16: bool
    existencia: int
    minima: int
    apartada: int = 0  # units set aside by open apartados (``existencia_apartada``)


@dataclass
class _TurnoAcum:
    id: int
    cajero: tuple[int, str]
    abierto: float
    cerrado: float
    # Cents per method: payments (net of change) and refunds, as ``selectors.turno_cuentas`` reads them.
    pagos: dict = field(default_factory=lambda: {"efectivo": 0, "tarjeta": 0, "transferencia": 0, "monedero": 0})
    reembolsos: dict = field(default_factory=lambda: {"efectivo": 0, "tarjeta": 0, "transferencia": 0, "monedero": 0})
    # Abonos received in this shift, per method (their cash is in the drawer).
    abonos: dict = field(default_factory=lambda: {"efectivo": 0, "tarjeta": 0, "transferencia": 0, "monedero": 0})
    abonos_n: int = 0
    ventas: int = 0
    ventas_total: int = 0
    canceladas: int = 0
    devoluciones: int = 0

    def esperado(self, metodo: str) -> int:
        return (self.pagos[metodo] + self.abonos[metodo] - self.reembolsos[metodo]
                + (FONDO if metodo == "efectivo" else 0))

    def resumen_json(self) -> str:
        """``calculos.CuentasTurno.a_json()`` of the closed shift (the printed close reads it)."""
        return json.dumps({
            "fondo_inicial": _centavos_texto(FONDO), "ventas": self.ventas,
            "ventas_total": _centavos_texto(self.ventas_total), "canceladas": self.canceladas,
            "devoluciones": self.devoluciones,
            "pagos": {m: _centavos_texto(v) for m, v in self.pagos.items()},
            "reembolsos": {m: _centavos_texto(v) for m, v in self.reembolsos.items()},
            "depositos": "0.00", "retiros": "0.00",
            # As ``CuentasTurno.a_json`` writes them (``turnos.selectors.turno_cuentas`` reads every
            # method): how many abonos, net per method, none left as store credit.
            "abonos": self.abonos_n, "abonos_pagos": {m: _centavos_texto(v) for m, v in self.abonos.items()},
            "abonos_a_monedero": "0.00",
        })


class _Buffers:
    """One text buffer per table; ``volcar`` COPYs them (in FK order) and starts over."""

    TABLAS = {
        "tra_turno": "id_turno, id_cajero, nombre_cajero, estado, abierto, cerrado, fondo_inicial, efectivo_esperado, "
        "efectivo_contado, tarjeta_esperado, tarjeta_reportado, transferencia_esperado, transferencia_reportado, "
        "nota_cierre, id_autorizo_diferencia, nombre_autorizo_diferencia, id_cerro, nombre_cerro, resumen_cierre",
        "tra_venta": "id_venta, folio, id_cliente, fecha, clave_cobro, huella_carrito, id_cajero, nombre_cajero, "
        "id_autorizo_descuento, nombre_autorizo_descuento, subtotal, descuento, iva, total, estado, id_turno, "
        "articulos, total_devuelto, id_vendedor, nombre_vendedor, comision_porcentaje, pagado, modalidad, vence, "
        "entregado",
        "tra_venta_det": "id_venta_det, id_venta, id_producto, cantidad, descuento, descripcion, precio_unitario, "
        "tasa_iva, importe, iva, cantidad_devuelta",
        "tra_pago": "id_venta, metodo, monto, recibido, cambio, referencia",
        "tra_venta_parcialidad": "id_venta, numero, concepto, monto, vence",
        "tra_abono": "id_abono, folio, id_venta, id_turno, metodo, monto, recibido, cambio, a_monedero, referencia, "
        "clave, saldo_anterior, saldo_posterior, fecha, id_usuario, nombre_usuario",
        "tra_devolucion": "id_devolucion, folio, id_venta, id_turno, tipo, motivo, fecha, clave, id_usuario, "
        "nombre_usuario, id_autorizo, nombre_autorizo, total, iva",
        "tra_devolucion_det": "id_devolucion, id_venta_det, id_producto, cantidad, importe, iva",
        "tra_reembolso": "id_devolucion, metodo, monto, referencia",
        "tra_movimiento_inventario": "id_producto, tipo, cantidad, existencia_resultante, motivo, id_venta, "
        "id_usuario, nombre_usuario, fecha, cantidad_apartada, apartada_resultante",
    }

    def __init__(self):
        self.texto = {tabla: io.StringIO() for tabla in self.TABLAS}

    def fila(self, tabla: str, *valores) -> None:
        self.texto[tabla].write("\t".join("\\N" if v is None else str(v) for v in valores) + "\n")

    def volcar(self, cursor) -> None:
        for tabla, columnas in self.TABLAS.items():
            buffer = self.texto[tabla]
            if buffer.tell():
                buffer.seek(0)
                cursor.copy_expert(f"COPY {tabla} ({columnas}) FROM STDIN", buffer)
            self.texto[tabla] = io.StringIO()


def _limpio(texto: str) -> str:
    """COPY text format: no tabs, newlines or backslashes inside a value."""
    return texto.replace("\\", "/").replace("\t", " ").replace("\n", " ")


def cajeros_demo(minimo: int = 3) -> tuple[list[tuple[int, str]], tuple[int, str] | None]:
    """(id, name) of the Cajero users (creating ``cajera.demoN`` ones, without a usable password,
    up to ``minimo``) and of one Gerente (authorises big discounts and cancellations), if any."""
    modelo = get_user_model()
    cajeros = list(modelo.objects.using(DB_AUTH).filter(groups__name=ROL_CAJERO, is_active=True).order_by("id"))
    numero = 1
    while len(cajeros) < minimo:
        usuario, creado = modelo.objects.using(DB_AUTH).get_or_create(
            username=f"cajera.demo{numero}",
            defaults={"first_name": NOMBRES[numero % 10], "last_name": APELLIDOS[numero]},
        )
        numero += 1
        if creado or not usuario.groups.filter(name=ROL_CAJERO).exists():
            usuario.set_unusable_password()  # history only: nobody signs in as a demo cashier
            usuario.save(using=DB_AUTH)
            rol_asignar(usuario=usuario, rol=ROL_CAJERO)
            cajeros.append(usuario)
    gerente = modelo.objects.using(DB_AUTH).filter(groups__name=ROL_GERENTE, is_active=True).order_by("id").first()
    return (
        [(u.pk, nombre_para_registro(u)) for u in cajeros],
        (gerente.pk, nombre_para_registro(gerente)) if gerente else None,
    )


def _ascii(texto: str) -> str:
    descompuesto = unicodedata.normalize("NFKD", texto.upper())
    return "".join(c for c in descompuesto if "A" <= c <= "Z")


_CONSONANTES = "BCDFGHJKLMNPQRSTVWXYZ"


def _curp_demo(*, nombre: str, apellidos: str, nacimiento: date, mujer: bool, id_alumno: int) -> str | None:
    """A CURP with the official shape and check digit, unique per alumno id (the three inner
    consonants and the differentiator encode the id); None where RENAPO's rules refuse it."""
    paterno, materno = (_ascii(p) or "X" for p in (apellidos.split() + ["X"])[:2])
    vocal = next((c for c in paterno[1:] if c in "AEIOU"), "X")
    codigo = id_alumno % (21 ** 3 * 10)
    consonantes = "".join(_CONSONANTES[(codigo // 21 ** k) % 21] for k in range(3))
    diferenciador = (str if nacimiento.year < 2000 else lambda n: "ABCDEFGHIJ"[n])(codigo // 21 ** 3)
    base = (f"{paterno[0]}{vocal}{materno[0]}{_ascii(nombre)[0]}{nacimiento:%y%m%d}{'M' if mujer else 'H'}DF"
            f"{consonantes}{diferenciador}")
    curp = base + curp_digito_verificador(base)
    return None if curp_error(curp) else curp


def _rfc_demo(siglas: str, fecha: date, homoclave: str) -> str:
    base = f"{siglas}{fecha:%y%m%d}{homoclave}"
    rfc = base + stdnum_rfc.calc_check_digit(base)
    return "" if rfc_error(rfc, tipo="empresa" if len(siglas) == 3 else "persona") else rfc


class _Familias:
    """The COPY buffers of the demo's payers and alumnos, with the ids they take."""

    def __init__(self, *, desde_cliente: int, desde_alumno: int, etiqueta: str, ahora: str):
        self.cliente, self.alumno, self.etiqueta, self.ahora = desde_cliente - 1, desde_alumno - 1, etiqueta, ahora
        self.clientes, self.alumnos, self.vinculos, self.sincronizaciones = (io.StringIO() for _ in range(4))

    def pagador(self, *, tipo: str, nombre: str, apellidos: str, email: str, telefono: str, rfc: str) -> int:
        self.cliente += 1
        self.clientes.write("\t".join([str(self.cliente), tipo, nombre, apellidos, "", email, telefono, rfc, "t", "f",
                                       self.ahora, self.ahora]) + "\n")
        return self.cliente

    def estudiante(self, *, responsable: int, parentesco: str, nombre: str, apellidos: str, curp: str | None,
                   nacimiento: date | None, email: str, matricula: str, ciclo: str, grado: str, grupo: str) -> int:
        self.alumno += 1
        sii, aula = f"SII-{self.etiqueta}-{self.alumno}", f"AULA-{self.etiqueta}-{self.alumno}"
        self.alumnos.write("\t".join([
            str(self.alumno), nombre, apellidos, curp or "\\N", nacimiento.isoformat() if nacimiento else "\\N", email,
            "", matricula, ciclo, grado, grupo, "t", "f", sii, aula, self.ahora, self.ahora,
        ]) + "\n")
        self.vinculos.write("\t".join([str(self.alumno), str(responsable), parentesco, self.ahora]) + "\n")
        for sistema, externo in (("sii", sii), ("aula", aula)):
            self.sincronizaciones.write("\t".join([
                str(self.alumno), sistema, "crear", str(uuid.uuid4()), "sincronizado", "1", self.ahora, externo, "",
                self.ahora, self.ahora, self.ahora,
            ]) + "\n")
        return self.alumno

    def copiar(self, cursor) -> None:
        for buffer in (self.clientes, self.alumnos, self.vinculos, self.sincronizaciones):
            buffer.seek(0)
        cursor.copy_expert(
            "COPY cat_cliente (id_cliente, tipo, nombre, apellidos, direccion, email, telefono, rfc, activo, "
            "es_publico_general, creado, actualizado) FROM STDIN", self.clientes)
        cursor.copy_expert(
            "COPY cat_alumno (id_alumno, nombre, apellidos, curp, fecha_nacimiento, email, telefono, matricula, "
            "ciclo_escolar, grado, grupo, activo, por_confirmar, id_alumno_sii, id_alumno_aula, creado, actualizado) "
            "FROM STDIN", self.alumnos)
        cursor.copy_expert(
            "COPY cat_alumno_responsable (id_alumno, id_cliente, parentesco, creado) FROM STDIN", self.vinculos)
        cursor.copy_expert(
            "COPY integraciones_sincronizacion_alumno (alumno_id, sistema, operacion, clave, estado, intentos, "
            "proximo_intento, id_externo, ultimo_error, sincronizado_en, creado, actualizado) FROM STDIN",
            self.sincronizaciones)
        for tabla, columna in (("cat_cliente", "id_cliente"), ("cat_alumno", "id_alumno")):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{tabla}', '{columna}'), "  # noqa: S608 - constant names
                           f"(SELECT MAX({columna}) FROM {tabla}))")


# Commission percentages of the first demo cashiers as salespeople (the others sell at 0 %).
COMISIONES_DEMO = ("3.00", "2.50")


def _vendedores_asegurar(cursor, cajeros: list[tuple[int, str]]) -> dict[int, str]:
    """Salesperson rows for the first demo cashiers (kept if they exist); returns the active
    rows' percentages by user id, as COPY text."""
    for (id_usuario, nombre), porcentaje in zip(cajeros, COMISIONES_DEMO, strict=False):
        cursor.execute(
            "INSERT INTO cat_vendedor (id_usuario, nombre, comision_porcentaje, activo) VALUES (%s, %s, %s, true) "
            "ON CONFLICT (id_usuario) DO NOTHING", [id_usuario, nombre, porcentaje])
    cursor.execute("SELECT id_usuario, comision_porcentaje FROM cat_vendedor WHERE activo")
    return {id_usuario: f"{porcentaje:.2f}" for id_usuario, porcentaje in cursor.fetchall()}


def _clientes_asegurar(cursor, azar: random.Random, cantidad: int) -> list[int]:
    """Ids of named clients to sell to; creates ``cantidad`` demo payers if missing, with their
    alumnos already synced with SII/Aula (so the sandbox is not flooded): parents paying for 2
    or 3 children (ciclo, grado and grupo; some with a CURP; siblings often share their
    mother's email, the youngest often has none), companies paying for 2 to 5 employees, and
    adults who study and pay for themselves."""
    cursor.execute("SELECT COUNT(*) FROM cat_cliente WHERE email LIKE %s", [f"%@{DOMINIO_CLIENTES}"])
    faltan = cantidad - cursor.fetchone()[0]
    if faltan > 0:
        cursor.execute("SELECT COALESCE(MAX(id_cliente), 0) FROM cat_cliente")
        desde_cliente = cursor.fetchone()[0] + 1
        cursor.execute("SELECT COALESCE(MAX(id_alumno), 0) FROM cat_alumno")
        desde_alumno = cursor.fetchone()[0] + 1
        etiqueta = uuid.uuid4().hex[:6]  # emails are unique among active clients: never reuse one
        familias = _Familias(desde_cliente=desde_cliente, desde_alumno=desde_alumno, etiqueta=etiqueta,
                             ahora=timezone.now().isoformat())
        anio = timezone.localdate().year
        ciclo = f"{anio}-{anio + 1}" if timezone.localdate().month >= 8 else f"{anio - 1}-{anio}"
        for i in range(faltan):
            telefono = f"55{azar.randrange(10**8):08d}"
            tipo = azar.random()
            if tipo < 0.05:  # a company paying for its employees' courses
                razon = f"{azar.choice(EMPRESAS)} {azar.choice(APELLIDOS)}"
                email = f"capacitacion{i:05d}.{etiqueta}@{DOMINIO_CLIENTES}"
                rfc = _rfc_demo(_ascii(razon)[:3].ljust(3, "X"), date(azar.randrange(1990, 2020), azar.randrange(1, 13),
                                azar.randrange(1, 29)), f"{_CONSONANTES[i % 21]}{i % 10}")
                empresa = familias.pagador(tipo="empresa", nombre=razon, apellidos="", email=email, telefono=telefono,
                                           rfc=rfc)
                for _ in range(azar.randint(2, 5)):
                    nombre, apellidos = azar.choice(NOMBRES), f"{azar.choice(APELLIDOS)} {azar.choice(APELLIDOS)}"
                    familias.estudiante(
                        responsable=empresa, parentesco="empresa", nombre=nombre, apellidos=apellidos, curp=None,
                        nacimiento=None, email="", matricula="", ciclo="", grado="", grupo="")
            elif tipo < 0.25:  # an adult who studies and pays
                nombre, apellidos = azar.choice(NOMBRES), f"{azar.choice(APELLIDOS)} {azar.choice(APELLIDOS)}"
                email = f"alumno{i:05d}.{etiqueta}@{DOMINIO_CLIENTES}"
                propio = familias.pagador(tipo="persona", nombre=nombre, apellidos=apellidos, email=email,
                                          telefono=telefono, rfc="")
                nacimiento = date(anio - azar.randint(18, 45), azar.randrange(1, 13), azar.randrange(1, 29))
                curp = _curp_demo(nombre=nombre, apellidos=apellidos, nacimiento=nacimiento,
                                  mujer=NOMBRES.index(nombre) < 10, id_alumno=familias.alumno + 1)
                familias.estudiante(
                    responsable=propio, parentesco="propio", nombre=nombre, apellidos=apellidos, curp=curp,
                    nacimiento=nacimiento, email=email, matricula="", ciclo="", grado="", grupo="")
            else:  # a mother or father paying for 2 or 3 children
                paterno, materno = azar.choice(APELLIDOS), azar.choice(APELLIDOS)
                mama = azar.random() < 0.7
                nombre = azar.choice(NOMBRES[:10] if mama else NOMBRES[10:])
                email = f"familia{i:05d}.{etiqueta}@{DOMINIO_CLIENTES}"
                rfc = ""
                if azar.random() < 0.3:
                    rfc = _rfc_demo(f"{_ascii(paterno)[:2]}{_ascii(materno)[0]}{_ascii(nombre)[0]}",
                                    date(anio - azar.randint(28, 50), azar.randrange(1, 13), azar.randrange(1, 29)),
                                    f"{_CONSONANTES[i % 21]}{i % 10}")
                padre = familias.pagador(tipo="persona", nombre=nombre, apellidos=f"{paterno} {materno}", email=email,
                                         telefono=telefono, rfc=rfc)
                otro_apellido = azar.choice(APELLIDOS)
                hijos_apellidos = f"{paterno} {otro_apellido}" if not mama else f"{otro_apellido} {paterno}"
                # Siblings never share a name (the till's picker and a roster tell them apart by it).
                for hijo, nombre_hijo in enumerate(azar.sample(NOMBRES, azar.randint(2, 3))):
                    grado = azar.randint(1, 6)
                    nacimiento = date(anio - 6 - grado, azar.randrange(1, 13), azar.randrange(1, 29))
                    curp = None
                    if azar.random() < 0.6:
                        curp = _curp_demo(nombre=nombre_hijo, apellidos=hijos_apellidos, nacimiento=nacimiento,
                                          mujer=NOMBRES.index(nombre_hijo) < 10, id_alumno=familias.alumno + 1)
                    familias.estudiante(
                        responsable=padre, parentesco="madre" if mama else "padre", nombre=nombre_hijo,
                        apellidos=hijos_apellidos, curp=curp, nacimiento=nacimiento,
                        # Siblings share the parent's email; the youngest often has none.
                        email=email if hijo < 2 and azar.random() < 0.7 else "",
                        matricula=f"M{familias.alumno + 1:06d}", ciclo=ciclo, grado=str(grado),
                        grupo=azar.choice("ABC"))
        familias.copiar(cursor)
    cursor.execute("SELECT id_cliente FROM cat_cliente WHERE activo AND NOT es_publico_general ORDER BY id_cliente")
    return [fila[0] for fila in cursor.fetchall()]


def _productos(cursor) -> list[_Producto]:
    # With a big synthetic catalog (benchmarks) sell mostly the real demo catalog, like a shop would.
    cursor.execute(
        "SELECT id_producto, codigo, producto, (precio_unitario * 100)::bigint, tasa_iva > 0, existencia, "
        "existencia_minima, existencia_apartada FROM cat_producto WHERE activo AND tipo = 'articulo' AND precio_unitario > 0 "
        "AND codigo NOT LIKE 'GEN-%%' "
        "ORDER BY id_producto"
    )
    filas = cursor.fetchall()
    if len(filas) < 50:
        cursor.execute(
            "SELECT id_producto, codigo, producto, (precio_unitario * 100)::bigint, tasa_iva > 0, existencia, "
            "existencia_minima, existencia_apartada FROM cat_producto WHERE activo AND tipo = 'articulo' AND precio_unitario > 0 "
            "ORDER BY id_producto LIMIT 2000"
        )
        filas = cursor.fetchall()
    return [
        _Producto(id=f[0], descripcion=_limpio(f"{f[1]} {f[2]}"[:260]), precio=int(f[3]), tasa16=f[4],
                  existencia=f[5], minima=f[6], apartada=f[7])
        for f in filas
    ]


def _ventas_por_dia(cantidad: int, dias: list[date]) -> list[int]:
    pesos = [_peso_dia(d) for d in dias]
    total = sum(pesos)
    exactos = [cantidad * p / total for p in pesos]
    cuentas = [int(x) for x in exactos]
    # Largest remainders get the leftover sales, so the sum is exactly ``cantidad``.
    for i in sorted(range(len(dias)), key=lambda i: exactos[i] - cuentas[i], reverse=True)[: cantidad - sum(cuentas)]:
        cuentas[i] += 1
    return cuentas


def ventas_cargar(*, cantidad: int, semilla: int = 2026, dias: int = 365, escribir=print,
                  a_plazos: float = A_PLAZOS) -> dict:
    """Load ``cantidad`` sales over the last ``dias`` days up to now. Returns counts per table.

    ``a_plazos`` (0–1): the share of sales paid over time (apartados and installments, with
    their abonos in later shifts; see ``_Generador._plazo``).

    The tables are locked for the duration (EXCLUSIVE: reads go on, writes wait), so no
    checkout interleaves with the loaded ids, folios and stock.
    """
    inicio = time.monotonic()
    azar = random.Random(semilla)  # noqa: S311 - reproducible demo data, not secrets
    cajeros, gerente = cajeros_demo()
    conexion = connections[DB_NEGOCIO]
    with transaction.atomic(using=DB_NEGOCIO), conexion.cursor() as cursor:
        sin_disparadores = _llaves_foraneas_en_bloque(cursor)
        cursor.execute(
            "LOCK TABLE tra_turno, tra_venta, tra_venta_det, tra_pago, tra_devolucion, tra_devolucion_det, "
            "tra_reembolso, tra_movimiento_inventario, tra_abono, tra_venta_parcialidad, cat_producto IN EXCLUSIVE MODE"
        )
        clientes = _clientes_asegurar(cursor, azar, CLIENTES_DEMO)
        cursor.execute("SELECT id_cliente FROM cat_cliente WHERE es_publico_general")
        publico = cursor.fetchone()[0]
        productos = _productos(cursor)
        if not productos:
            raise ValueError("No hay productos activos con precio: carga primero el catálogo (manage.py cargar_demo).")
        ids = {}
        for tabla, columna in (("tra_venta", "id_venta"), ("tra_venta_det", "id_venta_det"), ("tra_turno", "id_turno"),
                               ("tra_devolucion", "id_devolucion"), ("tra_devolucion_det", "id_devolucion_det"),
                               ("tra_abono", "id_abono")):
            cursor.execute(f"SELECT COALESCE(MAX({columna}), 0) FROM {tabla}")  # noqa: S608 - constant names
            ids[tabla] = cursor.fetchone()[0]
        cursor.execute("SELECT COALESCE(MAX(folio), 0) FROM tra_venta")
        folio = cursor.fetchone()[0]
        cursor.execute("SELECT COALESCE(MAX(folio), 0) FROM tra_devolucion")
        folio_dev = cursor.fetchone()[0]
        cursor.execute("SELECT COALESCE(MAX(folio), 0) FROM tra_abono")
        folio_abono = cursor.fetchone()[0]
        if not 0 <= a_plazos <= 1:
            raise ValueError("La proporción de ventas a plazos va de 0 a 1.")
        ahora = timezone.localtime()
        # Today counts only once the shop has been open a while (sales are never in the future).
        hoy = ahora.date() if ahora.hour * 60 + ahora.minute >= 7 * 60 + 20 else ahora.date() - timedelta(days=1)
        lista_dias = [hoy - timedelta(days=n) for n in range(dias - 1, -1, -1)]
        generador = _Generador(azar=azar, productos=productos, clientes=clientes, publico=publico, cajeros=cajeros,
                               gerente=gerente, ids=ids, folio=folio, folio_dev=folio_dev,
                               comisiones=_vendedores_asegurar(cursor, cajeros), a_plazos=a_plazos,
                               folio_abono=folio_abono, ultimo_dia=hoy)
        buffers = _Buffers()
        pendientes = 0
        for dia, n in zip(lista_dias, _ventas_por_dia(cantidad, lista_dias), strict=True):
            if n or generador.eventos.get(dia):
                pendientes += generador.dia(buffers, dia, n)
            if pendientes >= LOTE:
                buffers.volcar(cursor)
                pendientes = 0
        buffers.volcar(cursor)
        _existencias_fijar(cursor, productos)
        if sin_disparadores:
            _llaves_foraneas_verificar(cursor)
            cursor.execute("SET LOCAL session_replication_role = origin")
        for tabla, columna, secuencia in (
            ("tra_venta", "id_venta", None), ("tra_venta_det", "id_venta_det", None), ("tra_turno", "id_turno", None),
            ("tra_devolucion", "id_devolucion", None), ("tra_devolucion_det", "id_devolucion_det", None),
            ("tra_venta", "folio", "tra_venta_folio_seq"), ("tra_devolucion", "folio", "tra_devolucion_folio_seq"),
            *((("tra_abono", "id_abono", None), ("tra_abono", "folio", "tra_abono_folio_seq"),
               ("tra_venta_parcialidad", "id_venta_parcialidad", None)) if a_plazos else ()),
        ):
            secuencia = secuencia or f"pg_get_serial_sequence('{tabla}', '{columna}')"
            secuencia = secuencia if secuencia.startswith("pg_") else f"'{secuencia}'"
            cursor.execute(  # constant table, column and sequence names
                f"SELECT setval({secuencia}, GREATEST((SELECT MAX({columna}) FROM {tabla}), 1))"  # noqa: S608 - names from our schema, values as parameters
            )
    escribir(f"{cantidad} ventas cargadas en {time.monotonic() - inicio:.1f} s; analizando tablas…")
    # Outside the transaction: VACUUM cannot run in one. It sets the visibility map, so the
    # history's count can use index-only scans right away.
    # Inside an outer transaction (tests) only ANALYZE can run.
    orden = "ANALYZE" if conexion.in_atomic_block else "VACUUM ANALYZE"
    with conexion.cursor() as cursor:
        for tabla in ("tra_venta", "tra_venta_det", "tra_pago", "tra_turno", "tra_devolucion", "tra_devolucion_det",
                      "tra_reembolso", "tra_movimiento_inventario", "cat_producto", "cat_cliente", "cat_alumno",
                      "cat_alumno_responsable", "tra_abono", "tra_venta_parcialidad"):
            cursor.execute(f"{orden} {tabla}")
    resumen = {**generador.cuentas, "segundos": round(time.monotonic() - inicio, 1)}
    escribir(f"Listo en {resumen['segundos']} s: " + ", ".join(f"{k} {v}" for k, v in generador.cuentas.items()))
    return resumen


TABLAS_CARGADAS = ("tra_turno", "tra_venta", "tra_venta_det", "tra_pago", "tra_devolucion", "tra_devolucion_det",
                   "tra_reembolso", "tra_movimiento_inventario", "cat_cliente", "cat_alumno", "cat_alumno_responsable",
                   "integraciones_sincronizacion_alumno", "tra_abono", "tra_venta_parcialidad")


def _llaves_foraneas_en_bloque(cursor) -> bool:
    """Skip the row-by-row foreign-key triggers when we may (superuser), to check them in bulk later.

    Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: with millions of COPYed rows,
    COMMIT would run one lookup per row and reference (~17 million for a million sales),
    which took longer than generating and copying everything. ``session_replication_role =
    replica`` skips those triggers for this transaction only; ``_llaves_foraneas_verificar``
    then checks every foreign key of the loaded tables with one anti-join each, and any
    orphan aborts the whole load. CHECK, UNIQUE and NOT NULL constraints are never skipped.
    Without superuser rights the normal (slower) deferred checks run.
    """
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if not cursor.fetchone()[0]:
        return False
    cursor.execute("SET LOCAL session_replication_role = replica")
    return True


def _llaves_foraneas_verificar(cursor) -> None:
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, af.attname
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
        WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)
        """,
        [list(TABLAS_CARGADAS)],
    )
    for tabla, columna, destino, columna_destino in cursor.fetchall():
        cursor.execute(  # names read from pg_constraint for our own tables
            f'SELECT COUNT(*) FROM {tabla} t WHERE t."{columna}" IS NOT NULL AND NOT EXISTS '  # noqa: S608 - names from pg_constraint
            f'(SELECT 1 FROM {destino} d WHERE d."{columna_destino}" = t."{columna}")'
        )
        huerfanas = cursor.fetchone()[0]
        if huerfanas:
            raise RuntimeError(f"Carga abortada: {huerfanas} filas de {tabla}.{columna} sin {destino}.")


def _existencias_fijar(cursor, productos: list[_Producto]) -> None:
    """Final stock (and units set aside) = starting + the loaded movements (the running balances
    kept while generating)."""
    cursor.execute("DROP TABLE IF EXISTS _existencia_demo")  # a second load inside one outer transaction (tests)
    cursor.execute("CREATE TEMP TABLE _existencia_demo (id_producto bigint, existencia integer, apartada integer) "
                   "ON COMMIT DROP")
    buffer = io.StringIO("".join(f"{p.id}\t{p.existencia}\t{p.apartada}\n" for p in productos))
    cursor.copy_expert("COPY _existencia_demo FROM STDIN", buffer)
    cursor.execute(
        "UPDATE cat_producto p SET existencia = e.existencia, existencia_apartada = e.apartada, actualizado = now() "
        "FROM _existencia_demo e WHERE p.id_producto = e.id_producto "
        "AND (p.existencia <> e.existencia OR p.existencia_apartada <> e.apartada)"
    )


class _Generador:
    """Makes the rows day by day, in time order, keeping each product's running stock."""

    def __init__(self, *, azar, productos, clientes, publico, cajeros, gerente, ids, folio, folio_dev,
                 comisiones=None, a_plazos: float = A_PLAZOS, folio_abono: int = 0, ultimo_dia: date | None = None):
        self.azar = azar
        # Pay-later sales: their abonos and handovers happen on later days, in those days'
        # shifts, so they wait here by local day (only days before ``ultimo_dia``: never in the
        # future, and the last day may have no shift yet).
        self.a_plazos = a_plazos
        self.folio_abono = folio_abono
        self.ultimo_dia = ultimo_dia or timezone.localdate()
        self.eventos: dict[date, list] = defaultdict(list)
        # Each demo sale is sold by its cashier, at their salesperson row's percentage (text).
        self.comisiones = comisiones or {}
        self.productos = productos
        # Popularity: a few products sell a lot (water, notebooks), most sell now and then.
        pesos = [1 / (rango + 1) ** 0.8 for rango in range(len(productos))]
        azar.shuffle(pesos)
        self.acumulado = []
        suma = 0.0
        for peso in pesos:
            suma += peso
            self.acumulado.append(suma)
        self.clientes = clientes
        self.publico = publico
        self.cajeros = cajeros
        self.gerente = gerente
        self.ids = ids
        self.folio = folio
        self.folio_dev = folio_dev
        self.ahora = time.time()
        self.limite_diferencia = int(Decimal(str(getattr(settings, "DIFERENCIA_MAXIMA_CORTE", "50.00"))) * 100)
        self.cuentas = {"ventas": 0, "lineas": 0, "pagos": 0, "turnos": 0, "cancelaciones": 0, "devoluciones": 0,
                        "movimientos": 0, "resurtidos": 0}
        if a_plazos:
            self.cuentas.update({"apartado": 0, "parcialidades": 0, "abonos": 0, "entregas": 0})

    def _producto(self) -> _Producto:
        return self.productos[bisect.bisect_left(self.acumulado, self.azar.random() * self.acumulado[-1])]

    def _mover(self, b: _Buffers, p: _Producto, tipo: str, cantidad: int, motivo: str, id_venta, usuario, ts: float,
               apartada: int = 0):
        if cantidad < 0 and p.existencia + cantidad < 0:
            # Restock before the sale: the ledger never goes below zero.
            surtido = -cantidad + self.azar.randint(max(10, p.minima * 3), max(40, p.minima * 10))
            p.existencia += surtido
            b.fila("tra_movimiento_inventario", p.id, "entrada", surtido, p.existencia,
                   "Resurtido (datos de demostración)", None, None, "Sistema", _ts(ts - 1), 0, p.apartada)
            self.cuentas["resurtidos"] += 1
        p.existencia += cantidad
        p.apartada += apartada
        b.fila("tra_movimiento_inventario", p.id, tipo, cantidad, p.existencia, motivo, id_venta, usuario[0],
               usuario[1], _ts(ts), apartada, p.apartada)
        self.cuentas["movimientos"] += 1

    def dia(self, b: _Buffers, dia: date, n: int) -> int:
        """Rows of ``n`` sales on ``dia`` (local time), with the day's shifts. Returns rows written."""
        azar = self.azar
        medianoche = datetime(dia.year, dia.month, dia.day, tzinfo=ZONA).timestamp()
        apertura, cierre = medianoche + 6.75 * 3600, medianoche + 15.75 * 3600
        limite = min(cierre - 600, self.ahora - 300)
        eventos = self.eventos.pop(dia, [])
        if limite <= apertura + 600:
            return 0  # today, before the shop opened: nothing to sell yet (no events are due today)
        horas = [h for h in PESO_HORA if medianoche + h * 3600 < limite]
        segundos = sorted(
            min(medianoche + h * 3600 + azar.random() * 3600, limite)
            for h in azar.choices(horas, weights=[PESO_HORA[h] for h in horas], k=n)
        )
        if not segundos and not eventos:
            return 0
        de_turno = azar.sample(self.cajeros, min(len(self.cajeros), 3 if n > 40 else 1))
        turnos = []
        for cajero in de_turno:
            self.ids["tra_turno"] += 1
            turnos.append(_TurnoAcum(id=self.ids["tra_turno"], cajero=cajero,
                                     abierto=apertura + azar.random() * 600, cerrado=min(cierre, self.ahora - 60)))
        if eventos:
            agenda = sorted([(ts, 0, None) for ts in segundos] + [(e[0], 1, e) for e in eventos],
                            key=lambda x: (x[0], x[1]))
            for ts, _, evento in agenda:
                if evento is None:
                    self._venta(b, azar.choice(turnos), ts)
                else:
                    self._evento(b, azar.choice(turnos), evento)
        else:
            for ts in segundos:
                self._venta(b, azar.choice(turnos), ts)
        for turno in turnos:
            self._turno_cerrar(b, turno)
        return n

    def _venta(self, b: _Buffers, turno: _TurnoAcum, ts: float) -> None:
        azar = self.azar
        self.ids["tra_venta"] += 1
        self.folio += 1
        id_venta, folio = self.ids["tra_venta"], f"V-{self.folio:06d}"
        cajero = turno.cajero
        elegidos = {}
        for _ in range(azar.choices(*LINEAS_POR_VENTA)[0]):
            p = self._producto()
            elegidos[p.id] = p
        lineas = []  # (id_det, producto, cantidad, descuento, importe, iva)
        autorizo = None
        con_descuento = azar.random() < 0.03
        for p in sorted(elegidos.values(), key=lambda x: x.id):
            cantidad = azar.choices((1, 2, 3, 4, 5), (70, 18, 7, 3, 2))[0]
            bruto = p.precio * cantidad
            descuento = 0
            if con_descuento and not lineas:
                pct = azar.choice((5, 10, 10, 15, 20)) if self.gerente else azar.choice((5, 10))
                descuento = bruto * pct // 100
                if pct > 10:
                    autorizo = self.gerente
            importe = bruto - descuento
            self.ids["tra_venta_det"] += 1
            lineas.append((self.ids["tra_venta_det"], p, cantidad, descuento, importe, _iva(importe, p.tasa16)))
        subtotal = sum(x[1].precio * x[2] for x in lineas)
        descuento = sum(x[3] for x in lineas)
        total = subtotal - descuento
        iva = sum(x[5] for x in lineas)
        plazo = None
        if self.a_plazos and self.clientes and total > 1 and azar.random() < self.a_plazos:
            plazo = self._plazo(id_venta, folio, total, ts, [(x[1], x[2]) for x in lineas])
        pagos = self._pagos(plazo["anticipo"] if plazo else total)
        for metodo, monto, _, _, _ in pagos:
            turno.pagos[metodo] += monto
        turno.ventas += 1
        turno.ventas_total += total

        # A few cancellations (same shift) and partial returns (one line, same day).
        sorteo = azar.random()
        cancelada = sorteo < 0.006
        devuelta = None
        if plazo:
            cancelada = False  # pay-later sales are never returned in the bulk data
        elif not cancelada and sorteo < 0.021:
            candidatas = [x for x in lineas if x[2] > 1] or (lineas if len(lineas) > 1 else [])
            if candidatas:
                linea = azar.choice(candidatas)
                devuelta = (linea, azar.randint(1, linea[2] - 1) if linea[2] > 1 else 1)
        cliente = azar.choice(self.clientes) if plazo or self.clientes and azar.random() < 0.3 else self.publico
        huella = f"{azar.getrandbits(256):064x}"
        clave = uuid.uuid4()  # unique keys: never from the seeded generator (a second load repeats it)
        total_devuelto = total if cancelada else 0
        if devuelta:
            (_, _, cant, _, imp, iv), r = devuelta
            devuelta = (*devuelta, imp * r // cant + (1 if (imp * r % cant) * 2 >= cant else 0),
                        iv * r // cant + (1 if (iv * r % cant) * 2 >= cant else 0))
            total_devuelto = devuelta[2]
        b.fila("tra_venta", id_venta, self.folio, cliente, _ts(ts), clave, huella, cajero[0], cajero[1],
               autorizo[0] if autorizo else None, autorizo[1] if autorizo else "", _centavos_texto(subtotal),
               _centavos_texto(descuento), _centavos_texto(iva), _centavos_texto(total),
               "cancelada" if cancelada else "completada", turno.id, sum(x[2] for x in lineas),
               _centavos_texto(total_devuelto), cajero[0], cajero[1], self.comisiones.get(cajero[0], "0"),
               _centavos_texto(plazo["pagado"] if plazo else total - total_devuelto),
               plazo["modalidad"] if plazo else "contado", plazo["vence"].isoformat() if plazo and plazo["vence"] else None,
               _ts(plazo["entregado"]) if plazo and plazo["entregado"] else None)
        for id_det, p, cant, desc, imp, iv in lineas:
            devueltas = cant if cancelada else (devuelta[1] if devuelta and devuelta[0][0] == id_det else 0)
            b.fila("tra_venta_det", id_det, id_venta, p.id, cant, _centavos_texto(desc), p.descripcion,
                   _centavos_texto(p.precio), "0.16" if p.tasa16 else "0.00", _centavos_texto(imp),
                   _centavos_texto(iv), devueltas)
            if plazo and plazo["modalidad"] == "apartado":
                self._mover(b, p, "apartado", -cant, folio, id_venta, cajero, ts, apartada=cant)
            else:
                self._mover(b, p, "venta", -cant, folio, id_venta, cajero, ts)
        for metodo, monto, recibido, cambio, referencia in pagos:
            b.fila("tra_pago", id_venta, metodo, _centavos_texto(monto), _centavos_texto(recibido),
                   _centavos_texto(cambio), referencia)
        if plazo:
            for numero, (monto, vence) in enumerate(plazo["parcialidades"], start=1):
                concepto = "Primer pago" if numero == 1 else f"Mensualidad {numero - 1}"
                b.fila("tra_venta_parcialidad", id_venta, numero, concepto, _centavos_texto(monto), vence.isoformat())
            self.cuentas[plazo["modalidad"]] += 1
        self.cuentas["ventas"] += 1
        self.cuentas["lineas"] += len(lineas)
        self.cuentas["pagos"] += len(pagos)
        if cancelada:
            cuando = min(ts + azar.randint(60, 1800), turno.cerrado - 30)
            self._devolucion(b, turno, id_venta, "cancelacion", azar.choice(MOTIVOS_CANCELACION), cuando,
                             [(x[0], x[1], x[2], x[4], x[5]) for x in lineas], [(m, monto) for m, monto, *_ in pagos],
                             total, iva)
            self.cuentas["cancelaciones"] += 1
            turno.canceladas += 1
        elif devuelta:
            (id_det, p, *_), r, imp, iv = devuelta
            metodo = max(pagos, key=lambda x: x[1])[0]
            cuando = min(ts + azar.randint(300, 4 * 3600), turno.cerrado - 30)
            self._devolucion(b, turno, id_venta, "devolucion", azar.choice(MOTIVOS_DEVOLUCION), max(cuando, ts + 1),
                             [(id_det, p, r, imp, iv)], [(metodo, imp)] if imp else [], imp, iv)
            self.cuentas["devoluciones"] += 1

    def _momento(self, dia: date) -> float:
        """A time of day with the shop open (7:30–14:30 local), inside any shift of that day."""
        medianoche = datetime(dia.year, dia.month, dia.day, tzinfo=ZONA).timestamp()
        return medianoche + (7.5 + self.azar.random() * 7) * 3600

    def _plazo(self, id_venta: int, folio: str, total: int, ts: float, lineas: list) -> dict | None:
        """How a pay-later sale of ``total`` cents goes: its down payment, the abonos already
        made (each one scheduled on its day) and what that leaves: ``pagado``, ``vence`` and,
        for an apartado fully paid, when its goods were handed over. None when the total is too
        small to leave anything owing (the sale is then paid at once).

        Apartado: at least 20 % down, due in 30 days, one to three abonos before then; most are
        paid and handed over, some recent ones are left owing (overdue while the expiry is
        pending). Installments: three to six monthly payments, the first at the checkout, each
        later one paid a week early to two weeks late, or never (the client stops): what is left
        stays owing, due on the first unpaid installment's date."""
        azar = self.azar
        dia = datetime.fromtimestamp(ts, ZONA).date()
        abonos: list[tuple[date, int]] = []
        parcialidades: list[tuple[int, date]] = []
        if azar.random() < 0.5:
            modalidad = "apartado"
            minimo = -(-total * 20 // 100)
            anticipo = min(total - 1, minimo + azar.randrange(0, max(1, total * 3 // 10)))
            if anticipo < minimo or anticipo <= 0:
                return None
            vence = dia + timedelta(days=APARTADO_DIAS)
            resto = total - anticipo
            k = min(azar.randint(1, 3), resto)
            dias = sorted(azar.sample(range(1, APARTADO_DIAS + 1), k))
            montos = [resto // k] * (k - 1) + [resto - resto // k * (k - 1)]
            hechos = k
            if vence >= self.ultimo_dia - timedelta(days=15) and azar.random() < 0.35:
                hechos = azar.randint(0, k - 1)  # stopped paying: the expiry will come for it
            for offset, monto in list(zip(dias, montos, strict=True))[:hechos]:
                cuando = dia + timedelta(days=offset)
                if cuando >= self.ultimo_dia:
                    break
                abonos.append((cuando, monto))
        else:
            modalidad = "parcialidades"
            m = azar.randint(3, 6)
            base = total // m
            if base < 1:
                return None
            cuotas = [total - base * (m - 1)] + [base] * (m - 1)
            fechas = [dia + timedelta(days=30 * i) for i in range(m)]
            parcialidades = list(zip(cuotas, fechas, strict=True))
            anticipo = cuotas[0]
            ultimo = dia
            for i in range(1, m):
                if azar.random() < 0.08:
                    break
                cuando = max(ultimo + timedelta(days=1), fechas[i] + timedelta(days=azar.randint(-7, 15)))
                if cuando >= self.ultimo_dia:
                    break
                abonos.append((cuando, cuotas[i]))
                ultimo = cuando
            pagadas = 1 + len(abonos)
            # As ``abono_registrar`` keeps it: the first unpaid installment's date, none once paid.
            vence = fechas[pagadas] if pagadas < m else None
        pagado = anticipo
        entregado = None
        for cuando, monto in abonos:
            momento = self._momento(cuando)
            self.eventos[cuando].append((momento, "abono", id_venta, monto, total - pagado))
            pagado += monto
            if modalidad == "apartado" and pagado == total:
                entregado = momento + 60
                self.eventos[cuando].append((entregado, "entrega", id_venta, folio, lineas))
        return {"modalidad": modalidad, "anticipo": anticipo, "pagado": pagado, "vence": vence,
                "entregado": entregado, "parcialidades": parcialidades}

    def _evento(self, b: _Buffers, turno: _TurnoAcum, evento: tuple) -> None:
        """An abono (in ``turno``, its cash in the drawer) or an apartado's handover."""
        azar = self.azar
        ts, tipo, id_venta, *datos = evento
        if tipo == "entrega":
            folio, lineas = datos
            for p, cantidad in lineas:
                self._mover(b, p, "entrega_apartado", 0, folio, id_venta, turno.cajero, ts, apartada=-cantidad)
            self.cuentas["entregas"] += 1
            return
        monto, saldo_anterior = datos
        metodo = azar.choices(*METODOS_ABONO)[0]
        recibido, referencia = monto, ""
        if metodo == "efectivo" and azar.random() < 0.5:
            recibido = -(-monto // 5_000) * 5_000  # paid with bills: change back
        elif metodo == "tarjeta":
            referencia = f"Aut. {azar.randrange(10**6):06d}"
        elif metodo == "transferencia":
            referencia = f"SPEI {azar.randrange(10**8):08d}"
        self.ids["tra_abono"] += 1
        self.folio_abono += 1
        cajero = turno.cajero
        b.fila("tra_abono", self.ids["tra_abono"], self.folio_abono, id_venta, turno.id, metodo, _centavos_texto(monto),
               _centavos_texto(recibido), _centavos_texto(recibido - monto), "0.00", referencia, uuid.uuid4(),
               _centavos_texto(saldo_anterior), _centavos_texto(saldo_anterior - monto), _ts(ts), cajero[0],
               cajero[1])
        turno.abonos[metodo] += monto
        turno.abonos_n += 1
        self.cuentas["abonos"] += 1

    def _pagos(self, total: int) -> list[tuple[str, int, int, int, str]]:
        """(método, monto, recibido, cambio, referencia): card/transfer first, cash gives change."""
        azar = self.azar
        sorteo = azar.random()
        if sorteo < 0.12:
            return [("tarjeta", total, total, 0, f"Aut. {azar.randrange(10**6):06d}")]
        if sorteo < 0.17:
            return [("transferencia", total, total, 0, f"SPEI {azar.randrange(10**8):08d}")]
        pagos = []
        efectivo = total
        if sorteo < 0.20 and total >= 20_000:
            tarjeta = (total // 2) // 100 * 100
            pagos.append(("tarjeta", tarjeta, tarjeta, 0, f"Aut. {azar.randrange(10**6):06d}"))
            efectivo = total - tarjeta
        recibido = efectivo
        if azar.random() < 0.7:
            billete = next(b for b in (2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 10**9) if b >= efectivo)
            recibido = billete if billete < 10**9 else -(-efectivo // 50_000) * 50_000
        pagos.append(("efectivo", efectivo, recibido, recibido - efectivo, ""))
        return pagos

    def _devolucion(self, b, turno, id_venta, tipo, motivo, ts, lineas, reembolsos, total, iva) -> None:
        self.ids["tra_devolucion"] += 1
        self.folio_dev += 1
        id_dev = self.ids["tra_devolucion"]
        # Returns and cancellations need a Gerente's authorisation: the cashier rings them up.
        autorizo = self.gerente
        b.fila("tra_devolucion", id_dev, self.folio_dev, id_venta, turno.id, tipo, motivo, _ts(ts),
               uuid.uuid4(), turno.cajero[0], turno.cajero[1],
               autorizo[0] if autorizo else None, autorizo[1] if autorizo else "", _centavos_texto(total),
               _centavos_texto(iva))
        tipo_movimiento = "cancelacion_venta" if tipo == "cancelacion" else "devolucion"
        for id_det, p, cantidad, importe, iv in lineas:
            b.fila("tra_devolucion_det", id_dev, id_det, p.id, cantidad, _centavos_texto(importe), _centavos_texto(iv))
            self._mover(b, p, tipo_movimiento, cantidad, f"D-{self.folio_dev:06d}", id_venta, turno.cajero, ts)
        if any(monto > 0 for _, monto in reembolsos):
            turno.devoluciones += 1
        for metodo, monto in reembolsos:
            if monto > 0:
                b.fila("tra_reembolso", id_dev, metodo, _centavos_texto(monto), "")
                turno.reembolsos[metodo] += monto

    def _turno_cerrar(self, b: _Buffers, turno: _TurnoAcum) -> None:
        """Closed with expected = opening + cash sales − cash refunds; most count exactly. Differences
        above ``DIFERENCIA_MAXIMA_CORTE`` carry a Gerente's authorisation, as the close requires."""
        azar = self.azar
        esperado = turno.esperado("efectivo")
        diferencia = 0 if azar.random() < 0.85 else azar.choice((-1, 1)) * azar.choice((50, 100, 500, 1_000, 8_000))
        autorizo = self.gerente if abs(diferencia) > self.limite_diferencia and self.gerente else None
        if autorizo is None and abs(diferencia) > self.limite_diferencia:
            diferencia = 0  # nobody could have authorised it
        cajero = turno.cajero
        b.fila("tra_turno", turno.id, cajero[0], cajero[1], "cerrado", _ts(turno.abierto), _ts(turno.cerrado),
               _centavos_texto(FONDO), _centavos_texto(esperado), _centavos_texto(esperado + diferencia),
               _centavos_texto(turno.esperado("tarjeta")), _centavos_texto(turno.esperado("tarjeta")),
               _centavos_texto(turno.esperado("transferencia")), _centavos_texto(turno.esperado("transferencia")),
               "Faltante/sobrante revisado con gerencia" if autorizo else "",
               autorizo[0] if autorizo else None, autorizo[1] if autorizo else "", cajero[0], cajero[1],
               turno.resumen_json())
        self.cuentas["turnos"] += 1
