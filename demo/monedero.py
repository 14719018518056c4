"""Demo store credit: a few named clients with a balance (saldo a favor).

Written as the service writes it — one ``MovimientoMonedero`` per change with the balance it
left — so ``verificar_monedero`` passes. Adjustments rather than returns: the demo's returns
are refunded by the methods the sales were paid with, and a Gerente's adjustment needs nothing
else to exist.
"""

import random

from django.db import transaction

from clientes.models import Cliente
from ventas.models import Monedero, MovimientoMonedero, TipoMovimientoMonedero
from ventas_ingenio.router import DB_NEGOCIO

CLIENTES_CON_SALDO = 6
MOTIVOS = ("Saldo a favor por cambio de talla (datos demo)", "Bonificación por pago anticipado (datos demo)",
           "Saldo de un curso cancelado (datos demo)")


def monederos_cargar(*, azar: random.Random, usuario: tuple[int, str] | None, cantidad: int = CLIENTES_CON_SALDO) -> int:
    """Give ``cantidad`` named clients without an account some store credit (one or two
    adjustments each). Only once: nothing happens when any account exists. Returns the accounts opened."""
    id_usuario, nombre_usuario = usuario or (0, "Datos demo")
    with transaction.atomic(using=DB_NEGOCIO):
        if Monedero.objects.using(DB_NEGOCIO).exists():
            return 0
        clientes = list(
            Cliente.objects.using(DB_NEGOCIO).filter(es_publico_general=False, activo=True)
            .order_by("pk").values_list("pk", flat=True)[:cantidad]
        )
        movimientos = []
        for cliente_id in clientes:
            monedero = Monedero.objects.using(DB_NEGOCIO).create(cliente_id=cliente_id)
            saldo = 0
            for paso in range(azar.choice((1, 2))):
                # The first adjustment gives credit; a second one takes part of it away.
                monto = azar.randrange(5, 60) * 10 if paso == 0 else -azar.randrange(1, saldo // 10) * 10 // 2
                saldo += monto
                movimientos.append(MovimientoMonedero(
                    monedero=monedero, tipo=TipoMovimientoMonedero.AJUSTE, monto=monto, saldo_resultante=saldo,
                    motivo=azar.choice(MOTIVOS) if paso == 0 else "Se usó en la tienda antes del sistema (datos demo)",
                    id_usuario=id_usuario, nombre_usuario=nombre_usuario,
                ))
            monedero.saldo = saldo
            monedero.save(using=DB_NEGOCIO, update_fields=["saldo"])
        MovimientoMonedero.objects.using(DB_NEGOCIO).bulk_create(movimientos)
        return len(clientes)
