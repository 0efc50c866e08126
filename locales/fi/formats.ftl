# Päivämäärien, kellonaikojen ja lukujen kirjoitustapa. $month ja $weekday ovat lukuja (1 = tammikuu / maanantai).

date-long = { $day }. { $month ->
        [1] tammikuuta
        [2] helmikuuta
        [3] maaliskuuta
        [4] huhtikuuta
        [5] toukokuuta
        [6] kesäkuuta
        [7] heinäkuuta
        [8] elokuuta
        [9] syyskuuta
        [10] lokakuuta
        [11] marraskuuta
       *[12] joulukuuta
    } { $year }

time-of-day = { $hour }.{ $minute }

datetime-long = { $date } klo { $time }

number-decimal-mark = ,
number-group-mark = {"\u00A0"}

# Luettelon yhdistäminen juoksevassa tekstissä: "englanti ja suomi".
list-and = { $first } ja { $last }
list-separator = ,{" "}
