import re
from datetime import date
from decimal import Decimal

from django import forms

from ventas.calculos import DENOMINACIONES, conteo_total
from ventas.models import EstadoTurno, MetodoPago, TipoMovimientoCaja
from ventas.services import CANTIDAD_MAXIMA, MOTIVO_MAXIMO, AutorizacionDatos, LineaDevolucionDatos
from ventas_ingenio.entradas import DineroField, EnteroField, TelefonoField, TextoField, entero_leer
from ventas_ingenio.entradas import FechaField as _FechaEntrada

MENSAJES_CANTIDAD = {
    "required": "Escribe la cantidad.",
    "invalid": "La cantidad debe ser un número entero (sin decimales).",
    "min_value": "La cantidad debe ser al menos 1.",
    "max_value": f"La cantidad no puede pasar de {CANTIDAD_MAXIMA:,}.",
}


def _dinero(etiqueta, requerido=False):
    return DineroField(label=etiqueta, required=requerido)


class BuscarProductoForm(forms.Form):
    texto = TextoField(
        label="Buscar producto", max_length=100, strip=True,
        error_messages={"required": "Escribe o escanea un código.", "max_length": "La búsqueda es demasiado larga."},
    )


class AgregarProductoForm(forms.Form):
    producto = EnteroField(
        min_value=1, error_messages={"invalid": "Producto no válido.", "required": "Producto no válido.", "min_value": "Producto no válido."}
    )


class LineaForm(forms.Form):
    cantidad = EnteroField(label="Cantidad", min_value=1, max_value=CANTIDAD_MAXIMA, error_messages=MENSAJES_CANTIDAD)
    descuento = _dinero("Descuento")

    def clean_descuento(self):
        return self.cleaned_data.get("descuento") or Decimal("0")


class AutorizarDescuentoForm(forms.Form):
    usuario = TextoField(label="Usuario del gerente", max_length=150)
    clave = TextoField(label="Contraseña del gerente", max_length=128, widget=forms.PasswordInput)


class CobroForm(forms.Form):
    clave_cobro = forms.UUIDField(widget=forms.HiddenInput, error_messages={"invalid": "Clave de cobro no válida."})
    huella = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput,
                              error_messages={"invalid": "El formulario de cobro está incompleto."})
    efectivo_recibido = _dinero("Efectivo recibido")
    tarjeta_monto = _dinero("Tarjeta")
    tarjeta_referencia = TextoField(label="Referencia de tarjeta", max_length=60, required=False)
    transferencia_monto = _dinero("Transferencia")
    transferencia_referencia = TextoField(label="Referencia de transferencia", max_length=60, required=False)

    def clean(self):
        datos = super().clean()
        for campo in ("efectivo_recibido", "tarjeta_monto", "transferencia_monto"):
            if datos.get(campo) is None and campo not in self.errors:
                datos[campo] = Decimal("0")
        return datos


class EsperaForm(forms.Form):
    nota = TextoField(label="Nota", max_length=80, required=False)


class ClienteRapidoForm(forms.Form):
    """Register a client without leaving the POS (the clients service validates the rest)."""

    nombre = TextoField(label="Nombre", max_length=100)
    apellidos = TextoField(label="Apellidos", max_length=150, required=False)
    email = forms.EmailField(label="Correo electrónico", max_length=254,
                             error_messages={"invalid": "Escribe un correo electrónico válido."})
    telefono = TelefonoField(label="Teléfono", required=False)
    curp = TextoField(label="CURP", max_length=18, required=False)


class _DevolucionBaseForm(forms.Form):
    """Fields shared by the cancel and return forms: one-time key, reason, Gerente credentials."""

    clave = forms.UUIDField(widget=forms.HiddenInput,
                            error_messages={"invalid": "El formulario está incompleto: vuelve a abrirlo.",
                                            "required": "El formulario está incompleto: vuelve a abrirlo."})
    motivo = TextoField(
        label="Motivo", max_length=MOTIVO_MAXIMO, strip=True,
        error_messages={"required": "Escribe el motivo.",
                        "max_length": f"El motivo no puede pasar de {MOTIVO_MAXIMO} caracteres."},
    )
    gerente_usuario = TextoField(label="Usuario del gerente", max_length=150, required=False)
    gerente_clave = TextoField(label="Contraseña del gerente", max_length=128, required=False,
                                    widget=forms.PasswordInput)

    def autorizacion(self) -> AutorizacionDatos | None:
        usuario = self.cleaned_data.get("gerente_usuario", "").strip()
        if not usuario:
            return None
        return AutorizacionDatos(usuario=usuario, clave=self.cleaned_data.get("gerente_clave", ""))


class CancelarVentaForm(_DevolucionBaseForm):
    pass


class DevolverVentaForm(_DevolucionBaseForm):
    """One quantity per sold line that still has units to return (``linea_<id>``), plus the refund method.

    The form checks what it can see (whole numbers, 0 … returnable); the service checks
    again under the sale's lock, since another return may have happened meanwhile.
    """

    metodo_reembolso = forms.ChoiceField(label="Reembolsar en", choices=MetodoPago.choices,
                                         error_messages={"invalid_choice": "Elige cómo se reembolsa.",
                                                         "required": "Elige cómo se reembolsa."})

    def __init__(self, *args, lineas, metodos: list[str], repetido: bool = False, **kwargs):
        """``repetido``: this form's key was already used, so it is read against what was sold
        (not what is left now) and the service decides whether it is the same return."""
        super().__init__(*args, **kwargs)
        self.lineas = list(lineas)
        if repetido:
            metodos = MetodoPago.values
        self.fields["metodo_reembolso"].choices = [(m, MetodoPago(m).label) for m in metodos]
        if not metodos:  # a sale that cost $0 (or was fully refunded) has no money to give back
            self.fields["metodo_reembolso"].required = False
            self.fields["metodo_reembolso"].choices = [("", "Nada que reembolsar")]
        for linea in self.lineas:
            quedan = linea.cantidad if repetido else linea.por_devolver
            if quedan <= 0:
                continue
            self.fields[self.nombre_campo(linea)] = EnteroField(
                label=f"Cantidad a devolver de {linea.descripcion}", required=False, min_value=0, max_value=quedan,
                initial=0,
                error_messages={
                    "invalid": f"{linea.descripcion}: la cantidad debe ser un número entero.",
                    "min_value": f"{linea.descripcion}: la cantidad no puede ser negativa.",
                    "max_value": f"{linea.descripcion}: solo {'queda 1' if quedan == 1 else f'quedan {quedan}'} "
                                 "por devolver.",
                },
            )

    @staticmethod
    def nombre_campo(linea) -> str:
        return f"linea_{linea.pk}"

    def filas(self):
        """(line, bound quantity field or None) for the template's table."""
        return [(linea, self[self.nombre_campo(linea)] if self.nombre_campo(linea) in self.fields else None)
                for linea in self.lineas]

    def clean(self):
        datos = super().clean()
        if not self.errors and not self.lineas_datos():
            raise forms.ValidationError("Indica al menos un artículo a devolver.")
        return datos

    def lineas_datos(self) -> list[LineaDevolucionDatos]:
        return [
            LineaDevolucionDatos(venta_detalle_id=linea.pk, cantidad=self.cleaned_data[self.nombre_campo(linea)])
            for linea in self.lineas
            if self.cleaned_data.get(self.nombre_campo(linea))
        ]
# --- Cash-drawer shifts ---------------------------------------------------------------------


class TurnoAbrirForm(forms.Form):
    fondo_inicial = _dinero("Fondo inicial", requerido=True)
    fondo_inicial.error_messages["required"] = "Escribe el fondo inicial (el efectivo con que abre la caja)."


class MovimientoCajaForm(forms.Form):
    tipo = forms.ChoiceField(
        label="Tipo", choices=TipoMovimientoCaja.choices, widget=forms.RadioSelect,
        error_messages={"required": "Elige si es un retiro o un depósito.",
                        "invalid_choice": "Elige si es un retiro o un depósito."},
    )
    monto = _dinero("Monto", requerido=True)
    monto.error_messages["required"] = "Escribe el monto del movimiento."
    motivo = TextoField(
        label="Motivo", max_length=200,
        error_messages={"required": "Escribe el motivo del movimiento de caja.",
                        "max_length": "El motivo es demasiado largo (máximo 200 caracteres)."},
    )

    def clean_monto(self):
        monto = self.cleaned_data["monto"]
        if monto == 0:
            raise forms.ValidationError("Monto: debe ser mayor que cero.")
        return monto


def _piezas(etiqueta):
    return EnteroField(
        label=etiqueta, required=False, min_value=0, max_value=100_000,
        widget=forms.NumberInput(attrs={"class": "entrada-corta", "min": "0", "step": "1"}),
        error_messages={
            "invalid": f"{etiqueta}: escribe un número entero de piezas.",
            "min_value": f"{etiqueta}: no puede ser negativo.",
            "max_value": f"{etiqueta}: son demasiadas piezas.",
        },
    )


class TurnoCerrarForm(forms.Form):
    """The close: cash by denomination or as a total, card and transfer totals, a note and,
    when the difference needs it, a Gerente's username and password."""

    efectivo_total = _dinero("Efectivo contado (total)")
    tarjeta_reportado = _dinero("Tarjeta (total del terminal)")
    transferencia_reportado = _dinero("Transferencias recibidas")
    nota = TextoField(label="Nota del cierre", max_length=255, required=False,
                           error_messages={"max_length": "La nota es demasiado larga (máximo 255 caracteres)."})
    autorizo_usuario = TextoField(label="Usuario del gerente", max_length=150, required=False)
    autorizo_clave = TextoField(label="Contraseña del gerente", max_length=128, required=False,
                                     widget=forms.PasswordInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for clave, _, etiqueta in DENOMINACIONES:
            self.fields[f"d_{clave}"] = _piezas(etiqueta)

    def campos_denominacion(self):
        return [self[f"d_{clave}"] for clave, _, _ in DENOMINACIONES]

    def clean(self):
        datos = super().clean()
        piezas = {clave: datos.get(f"d_{clave}") for clave, _, _ in DENOMINACIONES}
        if any(f"d_{clave}" in self.errors for clave in piezas):
            return datos
        contadas = any(v is not None for v in piezas.values())
        datos["denominaciones"] = {k: v or 0 for k, v in piezas.items()} if contadas else None
        if not contadas and datos.get("efectivo_total") is None and "efectivo_total" not in self.errors:
            raise forms.ValidationError("Cuenta el efectivo: por denominación o escribe el total.")
        if contadas and datos.get("efectivo_total") is not None:
            total = conteo_total(datos["denominaciones"])
            if total != datos["efectivo_total"]:
                raise forms.ValidationError(
                    f"El total escrito (${datos['efectivo_total']:,.2f}) no coincide con el conteo por "
                    f"denominación (${total:,.2f}). Deja uno de los dos."
                )
        for campo in ("tarjeta_reportado", "transferencia_reportado"):
            if datos.get(campo) is None and campo not in self.errors:
                datos[campo] = Decimal("0")
        if bool(datos.get("autorizo_usuario")) != bool(datos.get("autorizo_clave")):
            raise forms.ValidationError("Para autorizar, el gerente escribe su usuario y su contraseña.")
        return datos

    def efectivo_contado(self) -> Decimal:
        datos = self.cleaned_data
        if datos["denominaciones"] is not None:
            return conteo_total(datos["denominaciones"])
        return datos["efectivo_total"]


FECHA_MINIMA = date(2000, 1, 1)


class FechaField(_FechaEntrada):
    """A filter date: from 2000 on, as the sales go (the history's and shift list's ranges)."""

    def __init__(self, **kwargs):
        super().__init__(minima=FECHA_MINIMA, **kwargs)


class TurnoFiltroForm(forms.Form):
    """Filters of the shift list; they live in the URL (GET)."""

    cajero = forms.TypedChoiceField(label="Cajero", required=False, coerce=int, empty_value=None,
                                    error_messages={"invalid_choice": "Ese cajero no tiene turnos."})
    desde = FechaField(label="Desde")
    hasta = FechaField(label="Hasta")
    estado = forms.ChoiceField(label="Estado", required=False,
                               choices=[("", "Todos"), *EstadoTurno.choices],
                               error_messages={"invalid_choice": "Estado no válido."})

    def __init__(self, *args, cajeros=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cajero"].choices = [("", "Todos"), *cajeros]

    def clean(self):
        datos = super().clean()
        if datos.get("desde") and datos.get("hasta") and datos["desde"] > datos["hasta"]:
            raise forms.ValidationError("La fecha «desde» es posterior a la fecha «hasta».")
        return datos


FOLIO_NUMERO = re.compile(r"[0-9]{1,12}")
FORMATO_FECHA = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits only: \d also takes other scripts


class ResumenForm(forms.Form):
    """The day of the daily summary (``?fecha=AAAA-MM-DD``); empty means today.

    Parsed by hand instead of ``DateField`` so each bad input gets its own message (a day
    that does not exist is not a typo in the format) and anything longer than a date is
    rejected before parsing.
    """

    fecha = TextoField(label="Fecha", required=False, strip=True)

    def __init__(self, *args, hoy: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.hoy = hoy

    def clean_fecha(self):
        texto = self.cleaned_data["fecha"]
        if not texto:
            return None
        if len(texto) != 10 or not FORMATO_FECHA.fullmatch(texto):
            raise forms.ValidationError("Escribe la fecha como AAAA-MM-DD, por ejemplo 2026-11-24.")
        try:
            fecha = date.fromisoformat(texto)
        except ValueError:
            raise forms.ValidationError(f"La fecha {texto} no existe: revisa el día y el mes.") from None
        if fecha < FECHA_MINIMA:
            raise forms.ValidationError("La fecha debe ser del 1 de enero de 2000 en adelante.")
        if fecha > self.hoy:
            raise forms.ValidationError("Esa fecha todavía no llega: elige hoy o un día anterior.")
        return fecha


def _texto_filtro(etiqueta, maximo=100):
    return TextoField(
        label=etiqueta, required=False, max_length=maximo, strip=True,
        error_messages={"max_length": f"{etiqueta}: escribe como máximo {maximo} caracteres."},
    )


class HistorialForm(forms.Form):
    """The history's filters (all in the GET querystring, so a filtered page can be bookmarked)."""

    desde = FechaField(label="Desde")
    hasta = FechaField(label="Hasta")
    folio = _texto_filtro("Folio", 20)
    cliente = _texto_filtro("Cliente")
    cajero = forms.TypedChoiceField(
        label="Cajero", required=False, coerce=int, empty_value=None,
        error_messages={"invalid_choice": "Elige un cajero de la lista."},
    )
    estado = forms.ChoiceField(
        label="Estado", required=False,
        choices=[("", "Todos"), ("completada", "Completada"), ("devolucion", "Con devolución parcial"),
                 ("cancelada", "Cancelada")],
        error_messages={"invalid_choice": "Elige un estado de la lista."},
    )
    metodo = forms.ChoiceField(label="Método de pago", required=False,
                               error_messages={"invalid_choice": "Elige un método de pago de la lista."})
    producto = _texto_filtro("Producto")
    page = TextoField(required=False, max_length=12, error_messages={
        "max_length": "La página debe ser un número entero mayor que cero."})

    def __init__(self, *args, cajeros=(), mostrar_cajero=True, **kwargs):
        from ventas.models import MetodoPago

        super().__init__(*args, **kwargs)
        self.fields["metodo"].choices = [("", "Todos"), *MetodoPago.choices]
        if mostrar_cajero:
            self.fields["cajero"].choices = [("", "Todos"), *cajeros]
        else:
            del self.fields["cajero"]  # a Cajero only ever sees their own sales

    def clean_folio(self):
        texto = self.cleaned_data["folio"].upper().replace(" ", "")
        if not texto:
            return None
        numero = texto.removeprefix("V-").removeprefix("V")
        if not FOLIO_NUMERO.fullmatch(numero):
            raise forms.ValidationError("Folio no válido: escribe V-000123 o solo el número.")
        return int(numero)

    def clean_page(self):
        texto = self.cleaned_data["page"]
        if not texto:
            return 1
        numero = entero_leer(texto, minimo=1, maximo=10**12)
        if numero is None:
            raise forms.ValidationError("La página debe ser un número entero mayor que cero.")
        return numero

    def clean(self):
        datos = super().clean()
        desde, hasta = datos.get("desde"), datos.get("hasta")
        if desde and hasta and desde > hasta:
            self.add_error("hasta", f"El rango está al revés: «hasta» ({hasta:%d/%m/%Y}) es anterior a «desde» "
                                    f"({desde:%d/%m/%Y}).")
        return datos
