from django.core.paginator import Page, Paginator


def paginar(request, consulta, *, por_pagina: int) -> tuple[Page, str]:
    """The requested page (the last one when past the end, the first on garbage) and the
    list's other GET filters as a query string, for the links of ``_paginacion.html``."""
    pagina = Paginator(consulta, por_pagina).get_page(request.GET.get("page"))
    filtros = request.GET.copy()
    filtros.pop("page", None)
    return pagina, filtros.urlencode()
