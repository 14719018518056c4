"""The school's fiscal data: validated at startup (system checks), printed as configured."""

import pytest

from ventas_ingenio.fiscal import datos_fiscales_completos, datos_fiscales_revisar, datos_fiscales_tienda

COMPLETOS = {
    "TIENDA_RAZON_SOCIAL": "Colegio Ingenio, A.C.", "TIENDA_RFC": "EKU9003173C9",
    "TIENDA_DIRECCION": "Calle 5 de Mayo 10, Centro, 72000 Puebla, Pue.", "TIENDA_REGIMEN_FISCAL": "603",
}


@pytest.fixture
def fiscales(settings):
    def poner(**valores):
        for nombre, valor in {**COMPLETOS, **valores}.items():
            setattr(settings, nombre, valor)
    return poner


def _ids(avisos):
    return [aviso.id for aviso in avisos]


def test_datos_completos_y_validos(fiscales):
    fiscales(TIENDA_RFC="eku-900317-3c9")
    assert datos_fiscales_revisar() == [] and datos_fiscales_completos() == []
    datos = datos_fiscales_tienda()
    assert datos.rfc == "EKU9003173C9"  # normalised as SAT prints it
    assert datos.regimen == "603 Personas Morales con Fines no Lucrativos"


@pytest.mark.parametrize("rfc,motivo", [
    ("EKU900317", "12 caracteres"), ("EKU9013173C9", "la fecha"), ("12U9003173C9", "fuera de lugar"),
    ("GODE561231", "homoclave"),
])
def test_rfc_invalido_detiene_el_arranque(fiscales, rfc, motivo):
    fiscales(TIENDA_RFC=rfc)
    (error,) = datos_fiscales_revisar()
    assert error.id == "ventas_ingenio.E001" and error.is_serious()
    assert rfc in error.msg and motivo in error.msg
    assert datos_fiscales_tienda().rfc == ""  # never printed


def test_digito_verificador_solo_avisa(fiscales):
    # ~1.5 % of the RFCs SAT issued carry a wrong check digit: the school must still sell.
    fiscales(TIENDA_RFC="EKU9003173C8")
    assert _ids(datos_fiscales_revisar()) == ["ventas_ingenio.W002"]
    assert datos_fiscales_tienda().rfc == "EKU9003173C8"


def test_regimen_fuera_del_catalogo(fiscales):
    fiscales(TIENDA_REGIMEN_FISCAL="999")
    assert _ids(datos_fiscales_revisar()) == ["ventas_ingenio.E002"]
    assert datos_fiscales_tienda().regimen == ""


def test_faltantes_avisan_en_check_deploy(fiscales):
    fiscales(TIENDA_RFC="", TIENDA_DIRECCION=" ")
    assert datos_fiscales_revisar() == []
    (aviso,) = datos_fiscales_completos()
    assert aviso.id == "ventas_ingenio.W001" and "TIENDA_RFC, TIENDA_DIRECCION" in aviso.msg
