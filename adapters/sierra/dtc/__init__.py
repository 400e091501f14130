"""The DTC protocol: message layouts, binary and JSON codecs, framing, and the asyncio client."""
