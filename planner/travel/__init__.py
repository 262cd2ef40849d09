"""Travel legs, visa rules and cases, accommodation, arrival and departure manifests."""
