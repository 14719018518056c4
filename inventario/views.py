from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from inventario.forms import FiltroInventarioForm
from inventario.models import Producto
from inventario.selectors import (
    categorias_listar,
    movimientos_de_producto,
    productos_filtrar,
    productos_filtrar_parecidos,
)
from ventas_ingenio.paginacion import paginar
from ventas_ingenio.router import DB_NEGOCIO

POR_PAGINA = 50


@require_GET
@permission_required("inventario.view_producto", raise_exception=True)
def producto_lista(request):
    """Stock of every product: search, category, low-stock only; 50 per page. A search whose
    words match no name shows the closest names instead (typos), with a notice."""
    categorias = list(categorias_listar())
    filtros = FiltroInventarioForm(request.GET or None, categorias=categorias)
    datos = filtros.cleaned_data if filtros.is_valid() else {}
    texto = datos.get("q") or ""
    filtro = {"categoria_id": datos.get("categoria"), "bajo_minimo": bool(datos.get("bajo_minimo"))}
    pagina, consulta = paginar(request, productos_filtrar(texto=texto, **filtro), por_pagina=POR_PAGINA)
    productos, parecidos = pagina.object_list, False
    if texto and not pagina.paginator.count:
        # Nothing has every word as typed: the names closest to them, as the till shows ("cuadreno").
        productos = productos_filtrar_parecidos(texto=texto, limite=POR_PAGINA, **filtro)
        parecidos = bool(productos)
    return render(
        request,
        "inventario/producto_lista.html",
        {"filtros": filtros, "page_obj": pagina, "productos": productos, "consulta": consulta, "parecidos": parecidos},
    )


@require_GET
@permission_required("inventario.view_movimientoinventario", raise_exception=True)
def producto_movimientos(request, pk: int):
    producto = get_object_or_404(Producto.objects.using(DB_NEGOCIO).select_related("categoria"), pk=pk)
    pagina, consulta = paginar(request, movimientos_de_producto(producto_id=producto.pk), por_pagina=POR_PAGINA)
    return render(
        request,
        "inventario/producto_movimientos.html",
        {"producto": producto, "page_obj": pagina, "movimientos": pagina.object_list, "consulta": consulta},
    )
