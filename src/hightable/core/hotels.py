"""Chapter 4: the Continental: hotels, managers, consecration, services (HOTEL-1..5, EXCOM-1)."""

from __future__ import annotations

from typing import Literal

from hightable.core.authority import any_member, offices, table_only
from hightable.core.coins import check_covered, check_positive
from hightable.core.commands import Amount, Command, Id, Text, command
from hightable.core.engine import KINDS, Draft, applies
from hightable.core.events import Event, event_type
from hightable.core.excommunicado import in_effect
from hightable.core.rules import Refusal, refuse
from hightable.core.state import Hotel, State, move_balance, update

Service = Literal[
    "room", "doctor", "armory", "sommelier", "tailor", "cleaners", "cartographer", "concierge"
]

KINDS["hotel"] = lambda state: state.hotels

# HOTEL-4: who governs a hotel. The table may appoint managers and consecrate, nothing more.
GOVERNORS = ("adjudicator", "elder", "seat")


@event_type
class HotelOpened(Event, tag="hotel_opened"):
    hotel: str
    name: str
    manager: str | None = None


@event_type
class ManagerAppointed(Event, tag="manager_appointed"):
    hotel: str
    member: str
    terms: str | None = None  # the terms whose grant appointed them, if any


@event_type
class ManagerRelieved(Event, tag="manager_relieved"):
    hotel: str
    member: str
    terms: str | None = None  # the terms whose revocation relieved them, if any


@event_type
class HotelDeconsecrated(Event, tag="hotel_deconsecrated"):
    hotel: str
    terms: str | None = None  # the terms whose revocation deconsecrated it, if any


@event_type
class HotelConsecrated(Event, tag="hotel_consecrated"):
    hotel: str
    terms: str | None = None  # the terms whose grant consecrated it, if any


@event_type
class HotelClosed(Event, tag="hotel_closed"):
    hotel: str


@event_type
class ServiceUsed(Event, tag="service_used"):
    hotel: str
    service: str
    price: int


class OpenHotel(Command, tag="open_hotel"):
    hotel: Id
    name: Text
    manager: Id | None = None


class AppointManager(Command, tag="appoint_manager"):
    hotel: Id
    member: Id


class RelieveManager(Command, tag="relieve_manager"):
    hotel: Id


class Deconsecrate(Command, tag="deconsecrate"):
    hotel: Id


class Consecrate(Command, tag="consecrate"):
    hotel: Id


class CloseHotel(Command, tag="close_hotel"):
    hotel: Id


class UseService(Command, tag="use_service"):
    hotel: Id
    service: Service
    price: Amount


HOTEL = {"hotel": "hotel"}


@command(
    OpenHotel,
    authority=table_only,
    creates=("hotel", "account"),
    refs={"manager": "member"},
    parties=("manager",),
)
def decide_open_hotel(state: State, cmd: OpenHotel, draft: Draft) -> list[Event]:
    return [draft.event(HotelOpened, hotel=cmd.hotel, name=cmd.name, manager=cmd.manager)]


@command(
    AppointManager,
    authority=offices(*GOVERNORS, rule="HOTEL-4", table=True),
    refs={"hotel": "hotel", "member": "member"},
    parties=("member",),
)
def decide_appoint_manager(
    state: State, cmd: AppointManager, draft: Draft
) -> list[Event] | Refusal:
    if state.hotels[cmd.hotel].manager == cmd.member:  # HOTEL-5
        return refuse("HOTEL-5", f"{cmd.member} already manages {cmd.hotel}")
    return [draft.event(ManagerAppointed, hotel=cmd.hotel, member=cmd.member)]


@command(RelieveManager, authority=offices(*GOVERNORS, rule="HOTEL-4"), refs=HOTEL)
def decide_relieve_manager(
    state: State, cmd: RelieveManager, draft: Draft
) -> list[Event] | Refusal:
    manager = state.hotels[cmd.hotel].manager
    if manager is None:  # HOTEL-5
        return refuse("HOTEL-5", f"{cmd.hotel} has no manager to relieve")
    return [draft.event(ManagerRelieved, hotel=cmd.hotel, member=manager)]


@command(Deconsecrate, authority=offices(*GOVERNORS, rule="HOTEL-4"), refs=HOTEL)
def decide_deconsecrate(state: State, cmd: Deconsecrate, draft: Draft) -> list[Event] | Refusal:
    if not state.hotels[cmd.hotel].consecrated:  # HOTEL-5
        return refuse("HOTEL-5", f"{cmd.hotel} is not consecrated ground")
    return [draft.event(HotelDeconsecrated, hotel=cmd.hotel)]


@command(Consecrate, authority=table_only, refs=HOTEL)
def decide_consecrate(state: State, cmd: Consecrate, draft: Draft) -> list[Event] | Refusal:
    if state.hotels[cmd.hotel].consecrated:  # HOTEL-5
        return refuse("HOTEL-5", f"{cmd.hotel} is consecrated already")
    return [draft.event(HotelConsecrated, hotel=cmd.hotel)]


@command(CloseHotel, authority=offices(*GOVERNORS, rule="HOTEL-4"), refs=HOTEL)
def decide_close_hotel(state: State, cmd: CloseHotel, draft: Draft) -> list[Event] | Refusal:
    if not state.hotels[cmd.hotel].open:  # HOTEL-5
        return refuse("HOTEL-5", f"{cmd.hotel} is closed already")
    return [draft.event(HotelClosed, hotel=cmd.hotel)]


@command(UseService, authority=any_member, refs=HOTEL)
def decide_use_service(state: State, cmd: UseService, draft: Draft) -> list[Event] | Refusal:
    refusal = check_positive(cmd.price, "price")
    if refusal:
        return refusal
    if not state.hotels[cmd.hotel].open:  # HOTEL-1
        return refuse("HOTEL-1", f"{cmd.hotel} is closed: no {cmd.service}")
    if in_effect(state, cmd.by):  # EXCOM-1
        return refuse("EXCOM-1", f"{cmd.by} is excommunicado: {cmd.hotel} gives no {cmd.service}")
    return check_covered(state, cmd.by, cmd.price, cmd.service) or [
        draft.event(ServiceUsed, hotel=cmd.hotel, service=cmd.service, price=cmd.price)
    ]


@applies(HotelOpened)
def apply_hotel_opened(state: State, event: HotelOpened) -> None:
    state.hotels[event.hotel] = Hotel(name=event.name, manager=event.manager)


@applies(ManagerAppointed)
def apply_manager_appointed(state: State, event: ManagerAppointed) -> None:
    update(state.hotels, event.hotel, manager=event.member, manager_by_terms=event.terms)


@applies(ManagerRelieved)
def apply_manager_relieved(state: State, event: ManagerRelieved) -> None:
    update(state.hotels, event.hotel, manager=None, manager_by_terms=None)


@applies(HotelDeconsecrated)
def apply_hotel_deconsecrated(state: State, event: HotelDeconsecrated) -> None:
    update(state.hotels, event.hotel, consecrated=False, consecrated_by_terms=None)


@applies(HotelConsecrated)
def apply_hotel_consecrated(state: State, event: HotelConsecrated) -> None:
    update(state.hotels, event.hotel, consecrated=True, consecrated_by_terms=event.terms)


@applies(HotelClosed)
def apply_hotel_closed(state: State, event: HotelClosed) -> None:
    update(state.hotels, event.hotel, open=False)


@applies(ServiceUsed)
def apply_service_used(state: State, event: ServiceUsed) -> None:
    move_balance(state, event.by, -event.price)
    move_balance(state, event.hotel, event.price)
