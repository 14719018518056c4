"""A realistic catalog for a school shop in Mexico (demo data for `make run`)."""

from decimal import Decimal

from inventario.models import TASA_IVA_CERO, TASA_IVA_GENERAL

TALLAS = ["4", "6", "8", "10", "12", "14", "16", "CH", "M", "G"]

UNIFORMES = [
    # (code prefix, name, base price)
    ("POL", "Playera polo blanca con escudo", "189.00"),
    ("DEP", "Playera deportiva", "159.00"),
    ("PTS", "Pants deportivo azul marino", "349.00"),
    ("SHO", "Short deportivo", "149.00"),
    ("FAL", "Falda escolar tableada", "289.00"),
    ("PAN", "Pantalón escolar azul marino", "319.00"),
    ("SUE", "Suéter escolar con escudo", "399.00"),
    ("CHA", "Chamarra rompevientos", "459.00"),
    ("CAL", "Calcetas blancas (paquete de 3)", "99.00"),
    ("JUM", "Jumper escolar", "339.00"),
]

PAPELERIA = [
    ("CUA-PR-RAY", "Cuaderno profesional raya 100 hojas", "45.50"),
    ("CUA-PR-CCH", "Cuaderno profesional cuadro chico 100 hojas", "45.50"),
    ("CUA-PR-CGR", "Cuaderno profesional cuadro grande 100 hojas", "45.50"),
    ("CUA-PR-BCO", "Cuaderno profesional blanco 100 hojas", "45.50"),
    ("CUA-IT-RAY", "Cuaderno italiano raya 100 hojas", "32.00"),
    ("CUA-IT-CCH", "Cuaderno italiano cuadro chico 100 hojas", "32.00"),
    ("CUA-IT-DRA", "Cuaderno italiano doble raya 100 hojas", "32.00"),
    ("CUA-FR-CGR", "Cuaderno forma francesa cuadro grande", "28.00"),
    ("LAP-HB", "Lápiz de grafito HB No. 2", "6.50"),
    ("LAP-BIC", "Lápiz bicolor rojo y azul", "9.00"),
    ("LAP-CAJ", "Lápices HB (caja con 12)", "72.00"),
    ("PLU-AZU", "Pluma punto mediano azul", "8.00"),
    ("PLU-NEG", "Pluma punto mediano negra", "8.00"),
    ("PLU-ROJ", "Pluma punto mediano roja", "8.00"),
    ("PLU-GEL", "Plumas de gel (paquete de 6 colores)", "79.00"),
    ("COL-12", "Colores de madera (caja con 12)", "59.00"),
    ("COL-24", "Colores de madera (caja con 24)", "109.00"),
    ("COL-36", "Colores de madera (caja con 36)", "159.00"),
    ("CRA-12", "Crayones jumbo (caja con 12)", "45.00"),
    ("PLUM-10", "Plumones lavables (paquete de 10)", "89.00"),
    ("MAR-PIZ", "Marcador para pintarrón negro", "22.00"),
    ("MAR-PER", "Marcador permanente negro", "19.00"),
    ("RES-AMA", "Resaltador amarillo", "15.00"),
    ("GOM-BCA", "Goma blanca para lápiz", "7.00"),
    ("SAC-MET", "Sacapuntas metálico", "9.50"),
    ("SAC-DEP", "Sacapuntas con depósito", "18.00"),
    ("REG-30", "Regla de plástico 30 cm", "14.00"),
    ("GEO-JGO", "Juego de geometría escolar", "49.00"),
    ("TIJ-ESC", "Tijeras escolares punta roma", "29.00"),
    ("PEG-BAR", "Pegamento en barra 20 g", "24.00"),
    ("PEG-BCO", "Pegamento blanco líquido 110 g", "27.00"),
    ("CIN-ADH", "Cinta adhesiva transparente", "16.00"),
    ("COR-CIN", "Corrector de cinta", "32.00"),
    ("HOJ-100", "Hojas blancas tamaño carta (paquete de 100)", "39.00"),
    ("FOL-CAR", "Fólder tamaño carta (paquete de 10)", "45.00"),
    ("CAR-ARG", "Carpeta de argollas 1 pulgada", "69.00"),
    ("PAP-LUS", "Papel lustre (10 pliegos surtidos)", "25.00"),
    ("CRT-BCA", "Cartulina blanca", "8.00"),
    ("CRT-COL", "Cartulina de color", "9.00"),
    ("FOA-CAR", "Foami tamaño carta (10 hojas surtidas)", "35.00"),
    ("CAL-CIE", "Calculadora científica", "289.00"),
    ("CAL-BAS", "Calculadora básica", "99.00"),
    ("LAPI-TEL", "Lapicera de tela con cierre", "59.00"),
    ("ACU-12", "Acuarelas (estuche con 12)", "55.00"),
    ("PIN-PIN", "Pinceles escolares (juego de 3)", "33.00"),
    ("PLA-10", "Plastilina (10 barras)", "29.00"),
    ("COM-BOL", "Compás de precisión", "65.00"),
    ("ETI-ESC", "Etiquetas escolares (100 piezas)", "25.00"),
    ("FOR-PLA", "Forro plástico para libros (rollo)", "35.00"),
    ("MOC-PRI", "Mochila escolar primaria", "449.00"),
]

MATERIAS = ["Matemáticas", "Español", "Inglés", "Ciencias Naturales", "Historia", "Geografía", "Formación Cívica y Ética"]
GRADOS = [f"{n}° de primaria" for n in range(1, 7)] + [f"{n}° de secundaria" for n in range(1, 4)]
LIBROS_EXTRA = [
    ("DIC-ESC", "Diccionario escolar de la lengua española", "189.00"),
    ("DIC-ING", "Diccionario inglés-español escolar", "219.00"),
    ("ATL-MEX", "Atlas de México", "159.00"),
    ("ATL-UNI", "Atlas universal", "169.00"),
    ("LEC-CUE", "Antología de cuentos mexicanos", "139.00"),
]

ALIMENTOS = [
    # (code, name, price, IVA rate). Rates are illustrative: basic food 0 %, soft drinks and sweets 16 %.
    ("AGU-600", "Agua natural 600 ml", "14.00", TASA_IVA_CERO),
    ("AGU-1L", "Agua natural 1 L", "18.00", TASA_IVA_CERO),
    ("JUG-MAN", "Jugo de manzana 250 ml", "15.00", TASA_IVA_CERO),
    ("JUG-NAR", "Jugo de naranja 250 ml", "15.00", TASA_IVA_CERO),
    ("LEC-CHO", "Leche sabor chocolate 250 ml", "17.00", TASA_IVA_CERO),
    ("LEC-FRE", "Leche sabor fresa 250 ml", "17.00", TASA_IVA_CERO),
    ("YOG-BEB", "Yogur bebible 220 g", "16.00", TASA_IVA_CERO),
    ("FRU-PIC", "Fruta picada con limón", "25.00", TASA_IVA_CERO),
    ("JIC-PEP", "Jícama y pepino con chile", "22.00", TASA_IVA_CERO),
    ("GAL-AVE", "Galletas de avena", "14.00", TASA_IVA_CERO),
    ("GAL-MAR", "Galletas Marías (paquete)", "12.00", TASA_IVA_CERO),
    ("GAL-CHO", "Galletas con chispas de chocolate", "18.00", TASA_IVA_CERO),
    ("BAR-GRA", "Barra de granola", "13.00", TASA_IVA_CERO),
    ("CAC-JAP", "Cacahuates japoneses 50 g", "14.00", TASA_IVA_CERO),
    ("PAL-NAT", "Palomitas naturales", "15.00", TASA_IVA_CERO),
    ("PAP-SAL", "Papas fritas con sal 45 g", "19.00", TASA_IVA_CERO),
    ("SAN-JAM", "Sándwich de jamón y queso", "35.00", TASA_IVA_GENERAL),
    ("TOR-JAM", "Torta de jamón", "40.00", TASA_IVA_GENERAL),
    ("QUE-SAD", "Quesadilla", "30.00", TASA_IVA_GENERAL),
    ("GEL-LEC", "Gelatina de leche", "12.00", TASA_IVA_CERO),
    ("REF-600", "Refresco 600 ml", "22.00", TASA_IVA_GENERAL),
    ("AGU-SAB", "Agua de sabor 500 ml", "15.00", TASA_IVA_GENERAL),
    ("CHI-TAB", "Chicles (tableta)", "3.00", TASA_IVA_GENERAL),
    ("PAL-DUL", "Paleta de dulce", "4.00", TASA_IVA_GENERAL),
    ("CHO-BAR", "Chocolate en barra 40 g", "18.00", TASA_IVA_GENERAL),
]

CATEGORIAS = ["Uniformes", "Papelería", "Libros", "Alimentos y bebidas"]


def catalogo_demo():
    """Yield dicts with product fields (category by name) for the demo catalog, ~290 products."""
    for prefijo, nombre, precio in UNIFORMES:
        for i, talla in enumerate(TALLAS):
            extra = Decimal(10 * (i // 3))  # bigger sizes cost a little more
            yield {
                "codigo": f"UNI-{prefijo}-{talla}", "nombre": f"{nombre} talla {talla}", "categoria": "Uniformes",
                "precio": Decimal(precio) + extra, "tasa_iva": TASA_IVA_GENERAL, "existencia_minima": 3,
            }
    for codigo, nombre, precio in PAPELERIA:
        yield {"codigo": f"PAP-{codigo}", "nombre": nombre, "categoria": "Papelería", "precio": Decimal(precio),
               "tasa_iva": TASA_IVA_GENERAL, "existencia_minima": 10}
    abreviaturas = {"Matemáticas": "MAT", "Español": "ESP", "Inglés": "ING", "Ciencias Naturales": "CIE",
                    "Historia": "HIS", "Geografía": "GEO", "Formación Cívica y Ética": "FCE"}
    for materia in MATERIAS:
        for n, grado in enumerate(GRADOS, start=1):
            nivel = "P" if "primaria" in grado else "S"
            numero = n if nivel == "P" else n - 6
            yield {
                # Books are 0 % IVA in Mexico.
                "codigo": f"LIB-{abreviaturas[materia]}-{nivel}{numero}", "nombre": f"Libro de {materia} {grado}",
                "categoria": "Libros", "precio": Decimal("249.00") + Decimal(20 * (n // 3)),
                "tasa_iva": TASA_IVA_CERO, "existencia_minima": 5,
            }
    for codigo, nombre, precio in LIBROS_EXTRA:
        yield {"codigo": f"LIB-{codigo}", "nombre": nombre, "categoria": "Libros", "precio": Decimal(precio),
               "tasa_iva": TASA_IVA_CERO, "existencia_minima": 3}
    for codigo, nombre, precio, tasa in ALIMENTOS:
        yield {"codigo": f"ALI-{codigo}", "nombre": nombre, "categoria": "Alimentos y bebidas",
               "precio": Decimal(precio), "tasa_iva": tasa, "existencia_minima": 20}
