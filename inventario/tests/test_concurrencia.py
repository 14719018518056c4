"""Real concurrency against PostgreSQL: threads with their own connections and transactions."""


import pytest

from inventario.exceptions import ExistenciaInsuficiente, ExistenciaModificada
from inventario.selectors import inventario_descuadres
from inventario.services import (
    MovimientoDatos,
    existencia_ajustar,
    existencia_registrar_entrada,
    existencias_mover,
)
from inventario.tests.factories import ProductoFactory
from ventas_ingenio.tests.hilos import en_paralelo

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")




def _producto(existencia):
    producto = ProductoFactory()
    existencia_registrar_entrada(producto_id=producto.pk, cantidad=existencia, usuario=None)
    return producto


def test_ventas_concurrentes_no_venden_de_mas():
    producto = _producto(10)

    def vender():
        return existencias_mover(movimientos=[MovimientoDatos(producto_id=producto.pk, tipo="venta", cantidad=-1)])

    resultados = en_paralelo([vender] * 16)
    exitos = [r for r in resultados if isinstance(r, list)]
    rechazos = [r for r in resultados if isinstance(r, ExistenciaInsuficiente)]
    assert len(exitos) == 10 and len(rechazos) == 6, resultados
    assert all("(quedan 0)" in str(r) for r in rechazos)
    producto.refresh_from_db()
    assert producto.existencia == 0
    assert inventario_descuadres() == []


def test_carritos_en_orden_opuesto_no_se_bloquean():
    """Two checkouts that list the same products in opposite order: locks are taken by id."""
    a, b = _producto(50), _producto(50)

    def carrito(primero, segundo):
        def vender():
            for _ in range(10):
                existencias_mover(
                    movimientos=[
                        MovimientoDatos(producto_id=primero.pk, tipo="venta", cantidad=-1),
                        MovimientoDatos(producto_id=segundo.pk, tipo="venta", cantidad=-1),
                    ]
                )
            return "ok"

        return vender

    resultados = en_paralelo([carrito(a, b), carrito(b, a), carrito(a, b), carrito(b, a)])
    assert resultados == ["ok"] * 4, resultados
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.existencia, b.existencia) == (10, 10)
    assert inventario_descuadres() == []


def test_ajuste_con_formulario_abierto_mientras_vendian(gerente):
    """The manager counted 10 and opened the adjustment; sales ran meanwhile: refused, nothing lost."""
    producto = _producto(10)
    vista_por_el_gerente = 10

    def vender():
        return existencias_mover(movimientos=[MovimientoDatos(producto_id=producto.pk, tipo="venta", cantidad=-1)])

    def ajustar():
        return existencia_ajustar(
            producto_id=producto.pk, existencia_nueva=12, existencia_anterior=vista_por_el_gerente,
            motivo="Conteo físico", usuario=gerente,
        )

    resultados = en_paralelo([vender, vender, vender, ajustar])
    producto.refresh_from_db()
    ajuste = resultados[3]
    if isinstance(ajuste, ExistenciaModificada):
        # At least one sale committed first: the adjustment wrote nothing and said why.
        assert producto.existencia == 7
        assert not producto.movimientos.filter(tipo="ajuste").exists()
    else:
        # The adjustment won the lock: the sales then took from the counted 12.
        assert producto.existencia == 9
    assert inventario_descuadres() == []
