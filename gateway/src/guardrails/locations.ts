/**
 * The `locations` dictionary shipped as entity `LOCATION`: sovereign countries (UN members
 * and observers, common short and long forms) and major cities (capitals and large
 * metropolitan areas). City names that are everyday English words or common first names
 * (Nice, Reading, Split, Mobile, Bath, Victoria, Florence …) are left out on purpose: they
 * would mask ordinary prose. Demonyms ("French", "Italian") are not locations.
 */
export const COUNTRIES: readonly string[] = [
  'Afghanistan', 'Albania', 'Algeria', 'Andorra', 'Angola', 'Antigua and Barbuda', 'Argentina', 'Armenia',
  'Australia', 'Austria', 'Azerbaijan', 'Bahamas', 'Bahrain', 'Bangladesh', 'Barbados', 'Belarus', 'Belgium',
  'Belize', 'Benin', 'Bhutan', 'Bolivia', 'Bosnia and Herzegovina', 'Botswana', 'Brazil', 'Brunei', 'Bulgaria',
  'Burkina Faso', 'Burundi', 'Cabo Verde', 'Cape Verde', 'Cambodia', 'Cameroon', 'Canada',
  'Central African Republic', 'Chad', 'Chile', 'China', 'Colombia', 'Comoros', 'Congo',
  'Democratic Republic of the Congo', 'Costa Rica', "Côte d'Ivoire", 'Ivory Coast', 'Croatia', 'Cuba', 'Cyprus',
  'Czechia', 'Czech Republic', 'Denmark', 'Djibouti', 'Dominica', 'Dominican Republic', 'Ecuador', 'Egypt',
  'El Salvador', 'Equatorial Guinea', 'Eritrea', 'Estonia', 'Eswatini', 'Swaziland', 'Ethiopia', 'Fiji',
  'Finland', 'France', 'Gabon', 'Gambia', 'Georgia', 'Germany', 'Ghana', 'Greece', 'Grenada', 'Guatemala',
  'Guinea', 'Guinea-Bissau', 'Guyana', 'Haiti', 'Honduras', 'Hungary', 'Iceland', 'India', 'Indonesia', 'Iran',
  'Iraq', 'Ireland', 'Israel', 'Italy', 'Jamaica', 'Japan', 'Jordan', 'Kazakhstan', 'Kenya', 'Kiribati',
  'Kosovo', 'Kuwait', 'Kyrgyzstan', 'Laos', 'Latvia', 'Lebanon', 'Lesotho', 'Liberia', 'Libya',
  'Liechtenstein', 'Lithuania', 'Luxembourg', 'Madagascar', 'Malawi', 'Malaysia', 'Maldives', 'Mali', 'Malta',
  'Marshall Islands', 'Mauritania', 'Mauritius', 'Mexico', 'Micronesia', 'Moldova', 'Monaco', 'Mongolia',
  'Montenegro', 'Morocco', 'Mozambique', 'Myanmar', 'Burma', 'Namibia', 'Nauru', 'Nepal', 'Netherlands',
  'Holland', 'New Zealand', 'Nicaragua', 'Niger', 'Nigeria', 'North Korea', 'North Macedonia', 'Macedonia',
  'Norway', 'Oman', 'Pakistan', 'Palau', 'Palestine', 'Panama', 'Papua New Guinea', 'Paraguay', 'Peru',
  'Philippines', 'Poland', 'Portugal', 'Qatar', 'Romania', 'Russia', 'Russian Federation', 'Rwanda',
  'Saint Kitts and Nevis', 'Saint Lucia', 'Saint Vincent and the Grenadines', 'Samoa', 'San Marino',
  'Sao Tome and Principe', 'Saudi Arabia', 'Senegal', 'Serbia', 'Seychelles', 'Sierra Leone', 'Singapore',
  'Slovakia', 'Slovenia', 'Solomon Islands', 'Somalia', 'South Africa', 'South Korea', 'Korea', 'South Sudan',
  'Spain', 'Sri Lanka', 'Sudan', 'Suriname', 'Sweden', 'Switzerland', 'Syria', 'Taiwan', 'Tajikistan',
  'Tanzania', 'Thailand', 'Timor-Leste', 'East Timor', 'Togo', 'Tonga', 'Trinidad and Tobago', 'Tunisia',
  'Turkey', 'Türkiye', 'Turkmenistan', 'Tuvalu', 'Uganda', 'Ukraine', 'United Arab Emirates', 'UAE',
  'United Kingdom', 'UK', 'Great Britain', 'Britain', 'England', 'Scotland', 'Wales', 'Northern Ireland',
  'United States', 'United States of America', 'USA', 'U.S.A.', 'Uruguay', 'Uzbekistan', 'Vanuatu',
  'Vatican City', 'Venezuela', 'Vietnam', 'Viet Nam', 'Yemen', 'Zambia', 'Zimbabwe', 'Hong Kong', 'Macau',
  'Greenland', 'Puerto Rico',
];

export const CITIES: readonly string[] = [
  // Europe
  'London', 'Paris', 'Berlin', 'Madrid', 'Rome', 'Milan', 'Naples', 'Turin', 'Venice', 'Bologna', 'Barcelona',
  'Valencia', 'Seville', 'Lisbon', 'Porto', 'Amsterdam', 'Rotterdam', 'The Hague', 'Brussels', 'Antwerp',
  'Vienna', 'Zurich', 'Zürich', 'Geneva', 'Munich', 'München', 'Hamburg', 'Frankfurt', 'Cologne', 'Köln',
  'Stuttgart', 'Düsseldorf', 'Dresden', 'Leipzig', 'Copenhagen', 'Stockholm', 'Gothenburg', 'Oslo', 'Helsinki',
  'Reykjavik', 'Dublin', 'Edinburgh', 'Glasgow', 'Manchester', 'Birmingham', 'Liverpool', 'Leeds', 'Bristol',
  'Cardiff', 'Belfast', 'Marseille', 'Lyon', 'Toulouse', 'Bordeaux', 'Strasbourg', 'Lille', 'Prague',
  'Warsaw', 'Krakow', 'Kraków', 'Budapest', 'Bucharest', 'Sofia', 'Belgrade', 'Zagreb', 'Ljubljana',
  'Bratislava', 'Athens', 'Thessaloniki', 'Istanbul', 'Ankara', 'Izmir', 'Kyiv', 'Kiev', 'Kharkiv', 'Odesa',
  'Minsk', 'Moscow', 'Saint Petersburg', 'St. Petersburg', 'Novosibirsk', 'Riga', 'Vilnius', 'Tallinn',
  'Chisinau', 'Tirana', 'Sarajevo', 'Skopje', 'Podgorica', 'Valletta', 'Nicosia', 'Luxembourg City',
  // Americas
  'New York', 'New York City', 'Los Angeles', 'Chicago', 'Houston', 'Philadelphia', 'San Antonio',
  'San Diego', 'Dallas', 'San Jose', 'Austin', 'Jacksonville', 'San Francisco', 'Seattle', 'Denver',
  'Washington', 'Washington D.C.', 'Boston', 'Detroit', 'Nashville', 'Portland', 'Las Vegas', 'Atlanta',
  'Miami', 'Minneapolis', 'New Orleans', 'Baltimore', 'Pittsburgh', 'Cleveland', 'Honolulu', 'Anchorage',
  'Toronto', 'Montreal', 'Montréal', 'Vancouver', 'Calgary', 'Ottawa', 'Edmonton', 'Quebec City',
  'Mexico City', 'Guadalajara', 'Monterrey', 'Tijuana', 'Havana', 'Guatemala City', 'San Salvador',
  'Tegucigalpa', 'Managua', 'Panama City', 'Bogotá', 'Bogota', 'Medellín', 'Medellin', 'Caracas', 'Quito',
  'Guayaquil', 'Lima', 'La Paz', 'Santa Cruz de la Sierra', 'Santiago', 'Buenos Aires', 'Córdoba',
  'Montevideo', 'Asunción', 'São Paulo', 'Sao Paulo', 'Rio de Janeiro', 'Brasília', 'Brasilia', 'Salvador',
  'Fortaleza', 'Belo Horizonte', 'Recife', 'Porto Alegre', 'Manaus', 'Santo Domingo', 'San Juan',
  'Port-au-Prince', 'Kingston',
  // Asia and Oceania
  'Tokyo', 'Osaka', 'Kyoto', 'Yokohama', 'Nagoya', 'Sapporo', 'Seoul', 'Busan', 'Pyongyang', 'Beijing',
  'Shanghai', 'Guangzhou', 'Shenzhen', 'Chengdu', 'Chongqing', 'Wuhan', "Xi'an", 'Tianjin', 'Hangzhou',
  'Nanjing', 'Taipei', 'Kaohsiung', 'Manila', 'Quezon City', 'Cebu', 'Jakarta', 'Surabaya', 'Bandung',
  'Kuala Lumpur', 'Bangkok', 'Chiang Mai', 'Hanoi', 'Ho Chi Minh City', 'Saigon', 'Phnom Penh', 'Vientiane',
  'Yangon', 'Dhaka', 'Chittagong', 'Kathmandu', 'Thimphu', 'Colombo', 'Delhi', 'New Delhi', 'Mumbai',
  'Bombay', 'Kolkata', 'Calcutta', 'Chennai', 'Madras', 'Bengaluru', 'Bangalore', 'Hyderabad', 'Ahmedabad',
  'Pune', 'Jaipur', 'Lucknow', 'Karachi', 'Lahore', 'Islamabad', 'Kabul', 'Tehran', 'Mashhad', 'Isfahan',
  'Baghdad', 'Basra', 'Riyadh', 'Jeddah', 'Mecca', 'Medina', 'Dubai', 'Abu Dhabi', 'Doha', 'Kuwait City',
  'Manama', 'Muscat', "Sana'a", 'Amman', 'Beirut', 'Damascus', 'Aleppo', 'Jerusalem', 'Tel Aviv', 'Baku',
  'Tbilisi', 'Yerevan', 'Tashkent', 'Almaty', 'Astana', 'Bishkek', 'Dushanbe', 'Ashgabat', 'Ulaanbaatar',
  'Sydney', 'Melbourne', 'Brisbane', 'Perth', 'Adelaide', 'Canberra', 'Auckland', 'Wellington',
  'Christchurch',
  // Africa
  'Cairo', 'Alexandria', 'Giza', 'Casablanca', 'Rabat', 'Marrakesh', 'Marrakech', 'Algiers', 'Tunis', 'Tripoli',
  'Khartoum', 'Addis Ababa', 'Nairobi', 'Mombasa', 'Kampala', 'Kigali', 'Dar es Salaam', 'Dodoma', 'Lagos',
  'Abuja', 'Kano', 'Ibadan', 'Accra', 'Kumasi', 'Abidjan', 'Dakar', 'Bamako', 'Ouagadougou', 'Niamey',
  'Conakry', 'Freetown', 'Monrovia', 'Lomé', 'Cotonou', 'Douala', 'Yaoundé', 'Kinshasa', 'Lubumbashi',
  'Brazzaville', 'Luanda', 'Lusaka', 'Harare', 'Maputo', 'Antananarivo', 'Johannesburg', 'Cape Town', 'Durban',
  'Pretoria', 'Windhoek', 'Gaborone', 'Mogadishu', 'Djibouti City', 'Asmara',
];

export const LOCATIONS: readonly string[] = [...COUNTRIES, ...CITIES];
