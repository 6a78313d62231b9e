"""Assessment (考核): indicator schemes, periods, frozen score sheets, exclusions and appeals."""
