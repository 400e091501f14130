"""The live shell: an asyncio loop driving the engine from a feed and a broker."""
