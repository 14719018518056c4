import csv
import io
from decimal import Decimal

from ventas_ingenio.csv_streaming import TAMANO_TROZO, csv_lineas, csv_respuesta


def _leer(texto: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(texto)))


def test_empieza_con_bom_y_conserva_acentos_y_comas():
    texto = "".join(csv_lineas(["Cliente", "Total"], [["Pérez, José", Decimal("12.5")], ["Ñandú", Decimal("3")]]))
    assert texto.startswith("\ufeffCliente,Total\r\n")
    assert _leer(texto[1:]) == [["Cliente", "Total"], ["Pérez, José", "12.50"], ["Ñandú", "3.00"]]
    assert texto.encode("utf-8").startswith(b"\xef\xbb\xbf")


def test_neutraliza_formulas_en_texto_pero_no_en_numeros():
    texto = "".join(csv_lineas(["a", "b", "c"], [["=HYPERLINK(1)", "@SUM(A1)", Decimal("-5")]]))
    assert _leer(texto[1:])[1] == ["'=HYPERLINK(1)", "'@SUM(A1)", "-5.00"]


def test_agrupa_filas_en_trozos_y_no_lee_todo_de_golpe():
    leidas = []

    def filas():
        for n in range(50_000):
            leidas.append(n)
            yield [n, "x" * 20]

    trozos = csv_lineas(["n", "texto"], filas())
    primero = next(trozos)
    assert len(primero) >= TAMANO_TROZO
    assert len(leidas) < 5_000  # the rest is read only as the download goes on
    resto = list(trozos)
    assert len(_leer("".join([primero, *resto])[1:])) == 50_001


def test_respuesta_es_descarga_en_streaming():
    respuesta = csv_respuesta(nombre_archivo="ventas.csv", encabezados=["a"], filas=iter([[1]]))
    assert respuesta.streaming
    assert respuesta["Content-Type"] == "text/csv; charset=utf-8"
    assert respuesta["Content-Disposition"] == 'attachment; filename="ventas.csv"'
    assert b"".join(respuesta.streaming_content) == "\ufeffa\r\n1\r\n".encode()
