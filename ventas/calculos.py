"""Money arithmetic of a sale: line totals, IVA broken out of IVA-included prices, payments.

Pure functions on ``Decimal`` (no database), shared by the cart screen, the checkout service
and the ticket, so the three always agree. Prices already include IVA; amounts are in cents
from the start (price × whole units − discount), so the only rounding is the IVA each line
contains, done once, to cents, ``ROUND_HALF_UP``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENTAVO = Decimal("0.01")
CERO = Decimal("0.00")


def a_centavos(valor: Decimal) -> Decimal:
    return valor.quantize(CENTAVO, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineaTotales:
    precio_unitario: Decimal  # IVA included
    cantidad: int
    descuento: Decimal  # amount off this line, IVA included
    tasa_iva: Decimal  # 0.16 or 0.00
    bruto: Decimal  # precio_unitario × cantidad
    importe: Decimal  # bruto − descuento: what the client pays for the line
    iva: Decimal  # IVA contained in importe

    @property
    def base(self) -> Decimal:
        return self.importe - self.iva


def linea_calcular(*, precio_unitario: Decimal, cantidad: int, descuento: Decimal, tasa_iva: Decimal) -> LineaTotales:
    """Totals of one line. Raises ValueError on input the checkout must never accept."""
    if cantidad <= 0:
        raise ValueError("La cantidad debe ser mayor que cero.")
    if precio_unitario < 0 or descuento < 0 or tasa_iva < 0:
        raise ValueError("Precio, descuento y tasa no pueden ser negativos.")
    if precio_unitario != a_centavos(precio_unitario) or descuento != a_centavos(descuento):
        raise ValueError("Precio y descuento van en centavos.")
    bruto = precio_unitario * cantidad
    if descuento > bruto:
        raise ValueError("El descuento no puede ser mayor que el importe de la línea.")
    importe = bruto - descuento
    iva = a_centavos(importe * tasa_iva / (1 + tasa_iva))
    return LineaTotales(
        precio_unitario=precio_unitario,
        cantidad=cantidad,
        descuento=descuento,
        tasa_iva=tasa_iva,
        bruto=bruto,
        importe=importe,
        iva=iva,
    )


@dataclass(frozen=True)
class Totales:
    subtotal: Decimal  # sum of gross line amounts (IVA included)
    descuento: Decimal
    total: Decimal  # what the client pays
    iva: Decimal  # IVA contained in the total
    articulos: int

    @property
    def base(self) -> Decimal:
        return self.total - self.iva


def totales_calcular(lineas: Iterable[LineaTotales]) -> Totales:
    lineas = list(lineas)
    return Totales(
        subtotal=sum((linea.bruto for linea in lineas), CERO),
        descuento=sum((linea.descuento for linea in lineas), CERO),
        total=sum((linea.importe for linea in lineas), CERO),
        iva=sum((linea.iva for linea in lineas), CERO),
        articulos=sum(linea.cantidad for linea in lineas),
    )


def iva_por_tasa(lineas: Iterable) -> list[tuple[Decimal, Decimal, Decimal]]:
    """(tasa, base, iva) per IVA rate, for the ticket's breakdown.

    Takes anything with ``tasa_iva``, ``importe`` and ``iva``: computed lines or the stored
    lines of a sale, so a reprinted ticket shows exactly what was saved.
    """
    grupos: dict[Decimal, list[Decimal]] = {}
    for linea in lineas:
        base_iva = grupos.setdefault(linea.tasa_iva, [CERO, CERO])
        base_iva[0] += linea.importe - linea.iva
        base_iva[1] += linea.iva
    return [(tasa, base, iva) for tasa, (base, iva) in sorted(grupos.items(), reverse=True)]


METODO_EFECTIVO = "efectivo"


@dataclass(frozen=True)
class PagoCalculado:
    metodo: str
    monto: Decimal  # applied to the sale
    recibido: Decimal  # handed over (cash); equals monto for card/transfer
    cambio: Decimal
    referencia: str = ""


class PagoInsuficiente(ValueError):
    pass


def pagos_calcular(
    *, total: Decimal, no_efectivo: Sequence[tuple[str, Decimal, str]], efectivo_recibido: Decimal
) -> list[PagoCalculado]:
    """Split the total into payments: card/transfer amounts first, cash covers the rest.

    Card and transfer never give change, so together they may not exceed the total. Cash
    received beyond what is owed is change. Raises ``PagoInsuficiente`` when the payments do
    not cover the total, ``ValueError`` on negative or fractional-cent amounts.
    """
    pagos: list[PagoCalculado] = []
    pendiente = total
    for metodo, monto, referencia in no_efectivo:
        if monto < 0 or monto != a_centavos(monto):
            raise ValueError("Los montos van en pesos y centavos, sin negativos.")
        if monto == 0:
            continue
        if monto > pendiente:
            nombre = "saldo a favor" if metodo == "monedero" else metodo
            raise ValueError(f"El pago con {nombre} excede lo que falta por cobrar ({pendiente}).")
        pagos.append(PagoCalculado(metodo=metodo, monto=monto, recibido=monto, cambio=CERO, referencia=referencia))
        pendiente -= monto
    if efectivo_recibido < 0 or efectivo_recibido != a_centavos(efectivo_recibido):
        raise ValueError("El efectivo recibido va en pesos y centavos, sin negativos.")
    if efectivo_recibido < pendiente:
        raise PagoInsuficiente(f"Pago insuficiente: faltan ${pendiente - efectivo_recibido:,.2f}.")
    if pendiente == 0 and pagos and efectivo_recibido > 0:
        raise ValueError("La tarjeta o transferencia ya cubre el total: no recibas efectivo.")
    if pendiente > 0 or (efectivo_recibido > 0 and not pagos):
        pagos.append(
            PagoCalculado(
                metodo=METODO_EFECTIVO,
                monto=pendiente,
                recibido=efectivo_recibido,
                cambio=efectivo_recibido - pendiente,
            )
        )
    return pagos


# --- Returns ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParteDevuelta:
    importe: Decimal  # IVA included
    iva: Decimal


def devolucion_linea_calcular(
    *, importe: Decimal, iva: Decimal, cantidad: int, devuelta: int, importe_devuelto: Decimal,
    iva_devuelto: Decimal, unidades: int,
) -> ParteDevuelta:
    """Amount and IVA of returning ``unidades`` more units of a sold line.

    The line's ``importe`` (after its discount, IVA included) is shared out in proportion to
    units, cumulatively: after the return, the line will have given back
    ``importe × (devuelta + unidades) / cantidad`` rounded once to cents, so this return is
    that minus what earlier returns gave back (``importe_devuelto``). Returning the last units
    therefore gives exactly the remainder, and the returns of a line always add up to its
    importe (and its IVA to its IVA), however the units were split. Raises ``ValueError`` for
    units outside ``1 … cantidad − devuelta``.
    """
    if unidades <= 0 or devuelta < 0 or devuelta + unidades > cantidad:
        raise ValueError("Unidades fuera de lo que queda por devolver.")
    acumuladas = devuelta + unidades
    if acumuladas == cantidad:
        return ParteDevuelta(importe=importe - importe_devuelto, iva=iva - iva_devuelto)
    return ParteDevuelta(
        importe=a_centavos(importe * acumuladas / cantidad) - importe_devuelto,
        iva=a_centavos(iva * acumuladas / cantidad) - iva_devuelto,
    )


def reembolso_repartir(
    *, monto: Decimal, disponibles: Sequence[tuple[str, Decimal]], preferido: str | None = None
) -> list[tuple[str, Decimal]]:
    """Split a refund among payment methods, never giving back more by a method than it brought.

    ``disponibles`` is ``(metodo, monto)`` per method, in the sale's payment order: what the
    sale received by that method (cash net of change) minus what earlier refunds gave back by
    it. The preferred method is filled first, then the others in order. Methods with nothing
    to refund are left out. Raises ``ValueError`` if the methods together cannot cover it
    (which the sale's totals make impossible unless the data is inconsistent).
    """
    orden = sorted(disponibles, key=lambda par: par[0] != preferido)  # stable: keeps the sale's order
    pendiente = monto
    reparto: list[tuple[str, Decimal]] = []
    for metodo, disponible in orden:
        if pendiente <= 0:
            break
        parte = min(pendiente, max(disponible, CERO))
        if parte > 0:
            reparto.append((metodo, parte))
            pendiente -= parte
    if pendiente > 0:
        raise ValueError(f"Los pagos de la venta no alcanzan para reembolsar ${monto:,.2f}.")
    return reparto
# --- Cash-drawer close (corte de caja) ------------------------------------------------------

# Mexican notes and coins a drawer holds: (key stored in Turno.conteo_denominaciones, value,
# label). The $20 exists both as a note and as a coin, hence the b/m prefix.
DENOMINACIONES: tuple[tuple[str, Decimal, str], ...] = (
    ("b1000", Decimal("1000"), "Billetes de $1000"),
    ("b500", Decimal("500"), "Billetes de $500"),
    ("b200", Decimal("200"), "Billetes de $200"),
    ("b100", Decimal("100"), "Billetes de $100"),
    ("b50", Decimal("50"), "Billetes de $50"),
    ("b20", Decimal("20"), "Billetes de $20"),
    ("m20", Decimal("20"), "Monedas de $20"),
    ("m10", Decimal("10"), "Monedas de $10"),
    ("m5", Decimal("5"), "Monedas de $5"),
    ("m2", Decimal("2"), "Monedas de $2"),
    ("m1", Decimal("1"), "Monedas de $1"),
    ("m050", Decimal("0.50"), "Monedas de 50 centavos"),
)
VALOR_DENOMINACION = {clave: valor for clave, valor, _ in DENOMINACIONES}
METODOS = ("efectivo", "tarjeta", "transferencia")


def conteo_total(conteo: dict[str, int]) -> Decimal:
    """Cash in a count by denomination. Raises ValueError on unknown keys or bad counts."""
    total = CERO
    for clave, piezas in conteo.items():
        if clave not in VALOR_DENOMINACION:
            raise ValueError(f"Denominación desconocida: {clave}.")
        if not isinstance(piezas, int) or isinstance(piezas, bool) or piezas < 0:
            raise ValueError("El número de piezas de cada denominación es un entero sin negativos.")
        total += VALOR_DENOMINACION[clave] * piezas
    return a_centavos(total)


@dataclass(frozen=True)
class CuentasTurno:
    """What went through a shift's drawer; ``esperado`` is what should be there per method.

    Cash expected = opening cash + cash sales (payments net of change) + cash abonos (net of
    change: what stayed in the drawer, including an excess kept as store credit) − cash refunds
    + deposits − withdrawals; card/transfer expected = that method's payments + abonos − its
    refunds. Store credit ("monedero") is counted but never expected in a drawer.
    ``abonos``/``abonos_pagos``/``abonos_a_monedero`` default to nothing so closes stored before
    abonos existed read as they were.
    """

    fondo_inicial: Decimal
    ventas: int
    ventas_total: Decimal
    canceladas: int
    devoluciones: int
    pagos: dict[str, Decimal]
    reembolsos: dict[str, Decimal]
    depositos: Decimal
    retiros: Decimal
    abonos: int = 0
    abonos_pagos: dict[str, Decimal] = field(default_factory=dict)
    # Of the abonos above, what the client left as store credit instead of taking change.
    abonos_a_monedero: Decimal = CERO

    @property
    def esperado(self) -> dict[str, Decimal]:
        netos = {m: self.pagos.get(m, CERO) + self.abonos_pagos.get(m, CERO) - self.reembolsos.get(m, CERO)
                 for m in METODOS}
        netos["efectivo"] += self.fondo_inicial + self.depositos - self.retiros
        return netos

    @property
    def reembolsos_total(self) -> Decimal:
        return sum(self.reembolsos.values(), CERO)

    def a_json(self) -> dict:
        """Snapshot stored on the closed shift, so its report never needs recomputing."""
        return {
            "fondo_inicial": str(self.fondo_inicial), "ventas": self.ventas, "ventas_total": str(self.ventas_total),
            "canceladas": self.canceladas, "devoluciones": self.devoluciones,
            "pagos": {m: str(v) for m, v in self.pagos.items()},
            "reembolsos": {m: str(v) for m, v in self.reembolsos.items()},
            "depositos": str(self.depositos), "retiros": str(self.retiros),
            "abonos": self.abonos, "abonos_pagos": {m: str(v) for m, v in self.abonos_pagos.items()},
            "abonos_a_monedero": str(self.abonos_a_monedero),
        }

    @classmethod
    def de_json(cls, datos: dict) -> CuentasTurno:
        return cls(
            fondo_inicial=Decimal(datos["fondo_inicial"]), ventas=datos["ventas"],
            ventas_total=Decimal(datos["ventas_total"]), canceladas=datos["canceladas"],
            devoluciones=datos["devoluciones"],
            pagos={m: Decimal(v) for m, v in datos["pagos"].items()},
            reembolsos={m: Decimal(v) for m, v in datos["reembolsos"].items()},
            depositos=Decimal(datos["depositos"]), retiros=Decimal(datos["retiros"]),
            # Closes stored before abonos existed have none of these keys.
            abonos=datos.get("abonos", 0),
            abonos_pagos={m: Decimal(v) for m, v in datos.get("abonos_pagos", {}).items()},
            abonos_a_monedero=Decimal(datos.get("abonos_a_monedero", "0.00")),
        )


@dataclass(frozen=True)
class DiferenciaMetodo:
    metodo: str
    etiqueta: str
    esperado: Decimal
    contado: Decimal
    excede: bool

    @property
    def diferencia(self) -> Decimal:
        """Positive: more than expected (sobrante); negative: missing (faltante)."""
        return self.contado - self.esperado


def diferencias_calcular(
    *, esperado: dict[str, Decimal], contado: dict[str, Decimal], limite: Decimal
) -> list[DiferenciaMetodo]:
    """Expected vs counted per method; ``excede`` when |difference| is above ``limite``."""
    etiquetas = {"efectivo": "Efectivo", "tarjeta": "Tarjeta", "transferencia": "Transferencia"}
    return [
        DiferenciaMetodo(
            metodo=m, etiqueta=etiquetas[m], esperado=esperado[m], contado=contado[m],
            excede=abs(contado[m] - esperado[m]) > limite,
        )
        for m in METODOS
    ]
