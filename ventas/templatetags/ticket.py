"""The printed ticket's parts that come from configuration: the school's fiscal data and the
folio's barcode. Tags rather than view context so every ticket (sale, return) gets them the
same way."""

from django import template

from ventas_ingenio.codigo_barras import code128_svg
from ventas_ingenio.fiscal import datos_fiscales_tienda

register = template.Library()


@register.simple_tag
def ticket_datos_fiscales():
    """``{% ticket_datos_fiscales as fiscal %}``: razón social, RFC, dirección, régimen, leyenda."""
    return datos_fiscales_tienda()


@register.simple_tag
def codigo_barras(texto):
    """``{% codigo_barras venta.folio_texto %}``: the text as an inline Code 128 SVG."""
    return code128_svg(str(texto))
