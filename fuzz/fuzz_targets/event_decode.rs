//! Any bytes as a stored event (type chosen by the first byte, data the rest) must decode or
//! fail cleanly, and what decodes must survive its own stored form unchanged.
#![no_main]

use canyu_domain::Event;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let types = Event::TYPES;
    let event_type = types[first as usize % types.len()];
    let Ok(text) = std::str::from_utf8(rest) else { return };
    if let Ok(e) = Event::decode(event_type, text) {
        assert_eq!(e.event_type(), event_type);
        let again = Event::decode(event_type, &e.to_data()).expect("a decoded event re-decodes from its stored form");
        assert_eq!(again, e);
    }
});
