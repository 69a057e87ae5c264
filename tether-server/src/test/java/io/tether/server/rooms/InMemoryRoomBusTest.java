package io.tether.server.rooms;

/** The room bus contract in memory (buses of one instance share rooms, like nodes in one JVM). */
class InMemoryRoomBusTest extends RoomBusContract {
    private final InMemoryRoomBus bus = new InMemoryRoomBus();

    @Override
    protected RoomBus.Factory factory() {
        return bus;
    }
}
