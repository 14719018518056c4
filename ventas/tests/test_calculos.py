from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ventas.calculos import (
    PagoInsuficiente,
    a_centavos,
    iva_por_tasa,
    linea_calcular,
    pagos_calcular,
    totales_calcular,
)

D = Decimal


def test_iva_desglosado_de_precio_con_iva():
    linea = linea_calcular(precio_unitario=D("116.00"), cantidad=1, descuento=D("0"), tasa_iva=D("0.16"))
    assert linea.iva == D("16.00") and linea.base == D("100.00") and linea.importe == D("116.00")


def test_redondeo_medio_hacia_arriba_una_sola_vez_por_linea():
    # 3 × 9.99 = 29.97; IVA = 29.97 × 0.16 / 1.16 = 4.13379… → 4.13
    linea = linea_calcular(precio_unitario=D("9.99"), cantidad=3, descuento=D("0"), tasa_iva=D("0.16"))
    assert linea.iva == D("4.13")
    # 0.29 × 0.16 / 1.16 = 0.04 (0.04 exactly); 0.87 → 0.12 (0.12 exactly)
    assert linea_calcular(precio_unitario=D("0.87"), cantidad=1, descuento=D("0"), tasa_iva=D("0.16")).iva == D("0.12")


def test_tasa_cero_no_lleva_iva():
    linea = linea_calcular(precio_unitario=D("250.00"), cantidad=2, descuento=D("10.00"), tasa_iva=D("0.00"))
    assert linea.iva == D("0.00") and linea.importe == D("490.00")


def test_totales_y_desglose_por_tasa():
    lineas = [
        linea_calcular(precio_unitario=D("58.00"), cantidad=2, descuento=D("6.00"), tasa_iva=D("0.16")),
        linea_calcular(precio_unitario=D("320.00"), cantidad=1, descuento=D("0"), tasa_iva=D("0.00")),
    ]
    totales = totales_calcular(lineas)
    assert totales.subtotal == D("436.00")
    assert totales.descuento == D("6.00")
    assert totales.total == D("430.00")
    assert totales.iva == D("15.17")  # 110 × .16 / 1.16 = 15.1724…
    assert totales.articulos == 3
    assert iva_por_tasa(lineas) == [(D("0.16"), D("94.83"), D("15.17")), (D("0.00"), D("320.00"), D("0.00"))]


@pytest.mark.parametrize(
    "precio,cantidad,descuento",
    [(D("10"), 0, D("0")), (D("10"), -1, D("0")), (D("-1"), 1, D("0")), (D("10.001"), 1, D("0")),
     (D("10"), 1, D("10.01")), (D("10"), 1, D("-1"))],
)
def test_lineas_invalidas(precio, cantidad, descuento):
    with pytest.raises(ValueError):
        linea_calcular(precio_unitario=precio, cantidad=cantidad, descuento=descuento, tasa_iva=D("0.16"))


centavos = st.integers(min_value=0, max_value=10_000_00).map(lambda c: D(c) / 100)


@st.composite
def lineas(draw):
    precio = draw(centavos)
    cantidad = draw(st.integers(min_value=1, max_value=500))
    descuento = a_centavos(precio * cantidad * D(draw(st.integers(min_value=0, max_value=100))) / 100)
    tasa = draw(st.sampled_from([D("0.16"), D("0.00")]))
    return linea_calcular(precio_unitario=precio, cantidad=cantidad, descuento=descuento, tasa_iva=tasa)


@given(st.lists(lineas(), min_size=1, max_size=30))
def test_propiedades_del_total(lista):
    totales = totales_calcular(lista)
    # the total is the sum of the (cent-exact) lines minus their discounts
    assert totales.total == sum(x.precio_unitario * x.cantidad for x in lista) - sum(x.descuento for x in lista)
    assert totales.total == a_centavos(totales.total)
    # IVA is never negative, never more than the total, and in cents
    assert D("0") <= totales.iva <= totales.total
    assert totales.iva == a_centavos(totales.iva)
    assert totales.base + totales.iva == totales.total
    assert sum(iva for _, _, iva in iva_por_tasa(lista)) == totales.iva


def test_pago_en_efectivo_con_cambio():
    (pago,) = pagos_calcular(total=D("187.50"), no_efectivo=[], efectivo_recibido=D("200"))
    assert (pago.metodo, pago.monto, pago.recibido, pago.cambio) == ("efectivo", D("187.50"), D("200"), D("12.50"))


def test_pago_mixto_tarjeta_y_efectivo():
    pagos = pagos_calcular(total=D("500.00"), no_efectivo=[("tarjeta", D("300.00"), "AUT123")], efectivo_recibido=D("250"))
    assert [(p.metodo, p.monto, p.cambio) for p in pagos] == [("tarjeta", D("300.00"), D("0.00")), ("efectivo", D("200.00"), D("50"))]


def test_pago_corto_se_rechaza():
    with pytest.raises(PagoInsuficiente, match="faltan \\$0.50"):
        pagos_calcular(total=D("100.00"), no_efectivo=[], efectivo_recibido=D("99.50"))


def test_tarjeta_no_da_cambio():
    with pytest.raises(ValueError, match="excede"):
        pagos_calcular(total=D("100.00"), no_efectivo=[("tarjeta", D("150.00"), "")], efectivo_recibido=D("0"))


@given(total=centavos, tarjeta=centavos, efectivo=centavos)
def test_pagos_cubren_exactamente_el_total(total, tarjeta, efectivo):
    try:
        pagos = pagos_calcular(total=total, no_efectivo=[("tarjeta", tarjeta, "")], efectivo_recibido=efectivo)
    except ValueError:
        assert tarjeta > total or tarjeta + efectivo < total or (tarjeta == total > 0 and efectivo > 0)
        return
    assert sum(p.monto for p in pagos) == total
    assert all(p.cambio >= 0 and p.monto >= 0 for p in pagos)
