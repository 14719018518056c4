"""Barcode checks: EAN-13 and UPC-A with their GS1 check digit."""

from django.core.exceptions import ValidationError


def digito_verificador_gs1(digitos: str) -> int:
    """Check digit for the first 12 digits of an EAN-13 (weights 1, 3, 1, 3…)."""
    suma = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digitos))
    return (10 - suma % 10) % 10


def codigo_barras_normalizar(valor: str) -> str:
    """Return the 13-digit EAN form of an EAN-13 or UPC-A (12 digits, stored with a leading 0).

    Raises ``ValidationError`` with a Spanish message when the value is not one of them or its
    check digit is wrong.
    """
    limpio = "".join(valor.split())
    # ASCII digits only: str.isdigit() also takes "²", which int() then refuses.
    if not (limpio.isascii() and limpio.isdigit()) or len(limpio) not in (12, 13):
        raise ValidationError(
            "El código de barras debe tener 13 dígitos (EAN-13) o 12 (UPC-A).", code="codigo_barras_formato"
        )
    ean = limpio.zfill(13)
    esperado = digito_verificador_gs1(ean[:12])
    if int(ean[12]) != esperado:
        raise ValidationError(
            "El código de barras %(valor)s no es válido: el dígito verificador debería ser %(esperado)s.",
            code="codigo_barras_verificador",
            params={"valor": limpio, "esperado": esperado},
        )
    return ean


def validar_codigo_barras(valor: str) -> None:
    codigo_barras_normalizar(valor)


def ean13_generar(numero: int, prefijo: str = "750") -> str:
    """A valid EAN-13 from a prefix and a running number (demo data, tests)."""
    base = f"{prefijo}{numero:0{12 - len(prefijo)}d}"
    if len(base) != 12:
        raise ValueError(f"{prefijo!r} + {numero} no cabe en 12 dígitos")
    return base + str(digito_verificador_gs1(base))
