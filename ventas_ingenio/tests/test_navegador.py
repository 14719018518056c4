import pytest

pytestmark = [pytest.mark.navegador, pytest.mark.django_db(transaction=True, databases="__all__")]


def test_entrar_en_el_navegador(live_server, pagina, gerente):
    pagina.goto(f"{live_server.url}/usuarios/")
    assert "/entrar/" in pagina.url
    pagina.locator("#id_username").fill("gerente1")
    pagina.locator("#id_password").fill("clave-equivocada")
    pagina.get_by_role("button", name="Entrar").click()
    assert pagina.get_by_role("alert").first.is_visible()
    pagina.locator("#id_password").fill("clave-de-pruebas-123")
    pagina.get_by_role("button", name="Entrar").click()
    pagina.wait_for_url(f"{live_server.url}/usuarios/")
    assert pagina.get_by_role("heading", name="Usuarios").is_visible()
    # The stylesheet is ours and loads (no CDN), and the CSP lets it through.
    fondo = pagina.evaluate("getComputedStyle(document.querySelector('.barra')).backgroundColor")
    assert fondo == "rgb(29, 35, 48)"
    pagina.get_by_role("button", name="Salir").click()
    pagina.wait_for_url(f"{live_server.url}/entrar/")
