"""Where things are: postcode shapes and distances (`shapes`), the offline postcode directory (`postcodes`) and the optional online geocoder (`geocoding`)."""
