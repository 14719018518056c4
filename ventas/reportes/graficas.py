"""Bar charts drawn on the server as SVG: geometry here, markup in
``templates/ventas/partials/_grafica_barras.html``.

No chart library and no JavaScript: the page must work without scripts, under a strict
Content-Security-Policy and on paper. So every bar carries its value as text (not only a
height), a ``<title>`` (the tooltip) and the axis has amounts; colour is never the only
channel. Pixel coordinates are floats (they are not money); the values they come from stay
``Decimal`` and are formatted by the caller.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import dateformat

MARCAS_EJE = 4  # gridlines above zero


@dataclass(frozen=True)
class Barra:
    """One value to draw. ``titulo`` is the tooltip and ``texto_valor`` the label on the bar."""

    etiqueta: str
    valor: Decimal | int
    texto_valor: str
    titulo: str
    etiqueta_secundaria: str = ""  # a second line under the label (the month on the 1st)


@dataclass(frozen=True)
class BarraDibujo:
    barra: Barra
    x: str
    y: str
    ancho: str
    alto: str
    centro: str  # x of the labels
    y_valor: str  # where the value label starts (just above the bar)


@dataclass(frozen=True)
class Marca:
    y: str
    texto: str


@dataclass(frozen=True)
class Grafica:
    titulo: str
    descripcion: str
    ancho: int
    alto: int
    barras: list[BarraDibujo]
    marcas: list[Marca]
    izquierda: str  # x of the value axis
    derecha: str
    arriba: str
    x_marcas: str  # where the axis amounts end (right-aligned)
    base: str  # y of the zero line
    y_etiqueta: str
    y_etiqueta_secundaria: str


def escala_redonda(maximo: float, *, enteros: bool = False, tope_minimo: float = MARCAS_EJE) -> float:
    """The smallest "round" top of the axis (1, 2, 2.5, 5 or 7.5 × 10ⁿ per step) at or above ``maximo``.

    With ``enteros`` (counts) every step is a whole number, so the axis never reads "2.5 ventas".
    """
    if maximo <= tope_minimo:
        return float(tope_minimo)
    paso_crudo = maximo / MARCAS_EJE
    magnitud = 10 ** math.floor(math.log10(paso_crudo))
    for multiplo in (1, 2, 2.5, 5, 7.5, 10):
        paso = multiplo * magnitud
        if enteros and (paso < 1 or paso != int(paso)):
            continue
        if paso * MARCAS_EJE >= maximo:
            return paso * MARCAS_EJE
    return 10 * magnitud * MARCAS_EJE  # pragma: no cover - the loop always returns


def _px(valor: float) -> str:
    return f"{valor:.1f}"


def grafica_barras(
    *,
    titulo: str,
    descripcion: str,
    barras: Sequence[Barra],
    formato_eje: Callable[[float], str],
    ancho: int = 900,
    alto: int = 320,
    enteros: bool = False,
    tope_minimo: float = MARCAS_EJE,
) -> Grafica:
    """Geometry of a vertical bar chart; bar heights are proportional to the values.

    Margins leave room for the axis amounts (left), the rotated value labels above the
    tallest bar (top) and two lines of labels under the bars (bottom).
    """
    izquierda, derecha, arriba, abajo = 78.0, ancho - 10.0, 64.0, alto - 40.0
    alto_util = abajo - arriba
    tope = escala_redonda(float(max((b.valor for b in barras), default=0)), enteros=enteros,
                          tope_minimo=tope_minimo)
    hueco = (derecha - izquierda) / max(len(barras), 1)
    ancho_barra = hueco * 0.7
    dibujos = []
    for indice, barra in enumerate(barras):
        alto_barra = alto_util * float(barra.valor) / tope if barra.valor > 0 else 0.0
        x = izquierda + hueco * indice + (hueco - ancho_barra) / 2
        dibujos.append(
            BarraDibujo(
                barra=barra, x=_px(x), y=_px(abajo - alto_barra), ancho=_px(ancho_barra), alto=_px(alto_barra),
                centro=_px(x + ancho_barra / 2), y_valor=_px(abajo - alto_barra - 4),
            )
        )
    marcas = [
        Marca(y=_px(abajo - alto_util * i / MARCAS_EJE), texto=formato_eje(tope * i / MARCAS_EJE))
        for i in range(MARCAS_EJE + 1)
    ]
    return Grafica(
        titulo=titulo, descripcion=descripcion, ancho=ancho, alto=alto, barras=dibujos, marcas=marcas,
        izquierda=_px(izquierda), derecha=_px(derecha), arriba=_px(arriba), x_marcas=_px(izquierda - 6),
        base=_px(abajo),
        y_etiqueta=_px(abajo + 16), y_etiqueta_secundaria=_px(abajo + 30),
    )


def pesos(valor: Decimal | float, *, centavos: bool = True) -> str:
    """$1,234.50 (es-MX: comma for thousands, period for decimals)."""
    return f"${valor:,.2f}" if centavos else f"${valor:,.0f}"


def entero(valor: float) -> str:
    return f"{valor:,.0f}"


# --- The dashboard's two charts ---------------------------------------------------------------


def grafica_por_dia(dias) -> Grafica:
    """Sales amount per day (``selectors.DiaVentas``): the day number under each bar, the month
    under the first bar and under each 1st."""
    barras = []
    for indice, dia in enumerate(dias):
        fecha_larga = dateformat.format(dia.dia, r"l j \d\e F").lower()
        ventas = f"{dia.ventas:,} venta" + ("" if dia.ventas == 1 else "s")
        barras.append(Barra(
            etiqueta=str(dia.dia.day),
            etiqueta_secundaria=dateformat.format(dia.dia, "M").lower() if indice == 0 or dia.dia.day == 1 else "",
            valor=dia.monto, texto_valor=pesos(dia.monto, centavos=False),
            titulo=f"{fecha_larga}: {pesos(dia.monto)} en {ventas}",
        ))
    desde, hasta = (dias[0].dia, dias[-1].dia) if dias else (None, None)
    return grafica_barras(
        titulo=f"Ventas por día, últimos {len(dias)} días",
        descripcion=(f"Importe vendido cada día del {dateformat.format(desde, 'j/m/Y')} al "
                     f"{dateformat.format(hasta, 'j/m/Y')}, neto de devoluciones y cancelaciones." if dias else ""),
        barras=barras, formato_eje=lambda v: pesos(v, centavos=False), tope_minimo=100,  # an empty month: $0–$100
    )


def grafica_por_hora(horas) -> Grafica:
    """Number of sales per hour of day (``selectors.HoraVentas``)."""
    barras = [
        Barra(
            etiqueta=f"{hora.hora}", valor=hora.ventas, texto_valor=entero(hora.ventas),
            titulo=f"De {hora.hora:02d}:00 a {hora.hora:02d}:59: {hora.ventas:,} ventas, {pesos(hora.monto)}",
        )
        for hora in horas
    ]
    return grafica_barras(
        titulo="Ventas por hora del día",
        descripcion="Número de ventas en cada hora (hora local), sumando los mismos días que la gráfica anterior.",
        barras=barras, formato_eje=entero, enteros=True, alto=280,
    )
